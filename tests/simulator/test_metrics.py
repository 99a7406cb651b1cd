import numpy as np
import pytest
from scipy.integrate import solve_ivp

from simulator.metrics import curve_summary, fit_sis, sis_curve


def test_sis_curve_solves_the_ode():
    t = np.linspace(0, 10, 21)
    beta, gamma, n, i0 = 0.9, 0.3, 100, 2.0
    numeric = solve_ivp(
        lambda _, i: beta * i * (n - i) / n - gamma * i,
        (0, 10),
        [i0],
        t_eval=t,
        rtol=1e-10,
        atol=1e-10,
    ).y[0]
    assert np.allclose(sis_curve(t, beta, gamma, i0, n), numeric, rtol=1e-6)
    assert sis_curve(np.array([1e6]), beta, gamma, i0, n)[0] == pytest.approx(
        n * (1 - gamma / beta)
    )


@pytest.mark.parametrize(("beta", "gamma"), [(0.8, 0.3), (0.5, 0.1), (0.3, 0.6)])
def test_fit_recovers_parameters(beta, gamma):
    days = list(range(16))
    y = sis_curve(np.array(days, dtype=float), beta, gamma, 2.0, 30)
    fit = fit_sis(days, y.tolist(), 30)
    assert fit["beta"] == pytest.approx(beta, rel=0.02)
    assert fit["gamma"] == pytest.approx(gamma, rel=0.03)
    assert fit["rmse"] < 1e-3


def test_fit_without_believers_is_empty():
    assert fit_sis([0, 1, 2], [0, 0, 0], 10)["beta"] is None


def test_curve_summary():
    s = curve_summary([0, 1, 2, 3], [2, 6, 10, 8], 20)
    assert s["peak_believers"] == 10 and s["peak_day"] == 2
    assert s["final_believer_share"] == 0.4
    assert s["auc_believer_share"] == pytest.approx(
        (0.1 + 0.3) / 2 + (0.3 + 0.5) / 2 + (0.5 + 0.4) / 2
    )
