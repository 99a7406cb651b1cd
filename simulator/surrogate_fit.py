"""Fit the surrogate's weights to a model's decisions: ``python run.py fit-surrogate``.

Reads the opinion exchanges of transcripts (a run's ``transcript.jsonl`` or the study set of
``run.py situations``), each with the structured context it was rendered from and the belief
the model stated. The surrogate's own probability (``MockModel.belief_probability``, the
equation of docs/SURROGATE.md) is the likelihood: the weights on traits, education, inertia,
evidence, trust by source, confirmation bias and the nudge, and the lasting appeal of each
topic seen, are fitted by maximum likelihood (scipy's L-BFGS-B within bounds) on a training
share; the held-out share scores the fit against the default weights and a constant (the
training share of believers) by log-loss, Brier score and AUC.

Writes to the output folder: ``surrogate_params.yaml`` (for ``llm.surrogate_params``),
``fit.json`` (estimates with standard errors and 95% intervals from the inverse Hessian of the
log-likelihood, the metrics) and ``calibration.png``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
from scipy import optimize, stats

from agents.llm.base import RequestContext
from agents.llm.mock import MockModel
from agents.llm.transcript import context_from_record
from agents.surrogate import TOPIC_PROFILES, SurrogateParameters, TopicProfile
from simulator.errors import UserError
from simulator.surrogate_params import with_appeals, write_surrogate_file

# Bounds keep a weight the data cannot pin down from running off; a fit at a bound is said.
BOUNDS = {
    "memory_decay": (0.05, 1.0),
    "bias_floor": (0.0, 1.0),
    "bias_span": (0.0, 1.0),
    "trust_official": (0.0, 10.0),
    "trust_fact_checker": (0.0, 10.0),
    "trust_prebunk": (0.0, 10.0),
}
WEIGHT_BOUND = (-15.0, 15.0)
EPS = 1e-9


def read_decisions(paths: list[Path]) -> tuple[list[RequestContext], np.ndarray, set[str]]:
    """Contexts and stated beliefs of the parsed opinion answers in the transcripts, and the
    files that held them."""
    contexts, beliefs, files = [], [], set()
    for path in paths:
        file = path / "transcript.jsonl" if path.is_dir() else path
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UserError(f"transcripts: cannot read {str(file)!r} ({exc.strerror})") from None
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise UserError(f"transcripts: {file} line {number} is not JSON") from None
            if record.get("kind") != "opinion" or record.get("error") is not None:
                continue
            if "context" not in record:
                raise UserError(
                    f"transcripts: {file} line {number} has no context (written before "
                    "transcripts kept it; run the study again)"
                )
            ctx = context_from_record(len(contexts), record["day"], record["context"])
            contexts.append(ctx)
            beliefs.append(int(record["fields"]["belief"]))
            files.add(str(file))
    if len(contexts) < 20:
        raise UserError(
            f"transcripts: {len(contexts)} parsed opinion answers (allowed: at least 20)"
        )
    return contexts, np.asarray(beliefs, dtype=float), files


class _Likelihood:
    """Negative log-likelihood of the stated beliefs under the surrogate with weights theta."""

    def __init__(self, contexts: list[RequestContext], beliefs: np.ndarray, topics: list[str]):
        self.contexts, self.beliefs, self.topics = contexts, beliefs, topics
        self.names = [f.name for f in dataclasses.fields(SurrogateParameters)] + [
            f"appeal:{t}" for t in topics
        ]

    def start(self) -> np.ndarray:
        defaults = dataclasses.asdict(SurrogateParameters())
        appeal = [TOPIC_PROFILES.get(t, TopicProfile(0.0)).appeal for t in self.topics]
        return np.array([*defaults.values(), *appeal], dtype=float)

    def bounds(self) -> list[tuple[float, float]]:
        return [BOUNDS.get(name, WEIGHT_BOUND) for name in self.names]

    def model(self, theta: np.ndarray) -> MockModel:
        n = len(dataclasses.fields(SurrogateParameters))
        params = SurrogateParameters(*theta[:n].tolist())
        topics = with_appeals(dict(zip(self.topics, theta[n:].tolist(), strict=True)))
        return MockModel(seed=0, topics=topics, parameters=params)

    def probabilities(self, theta: np.ndarray, contexts: list[RequestContext]) -> np.ndarray:
        return np.asarray(self.model(theta).belief_probability(contexts))

    def __call__(self, theta: np.ndarray) -> float:
        return float(_log_losses(self.probabilities(theta, self.contexts), self.beliefs).sum())


def _log_losses(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each decision's negative log-likelihood under probabilities p."""
    p = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def _hessian(f, x: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Central-difference Hessian of f at x (scipy has none; statsmodels would be a new
    dependency for this one function). Steps stay inside the bounds."""
    n = len(x)
    h = 1e-3 * np.maximum(1.0, np.abs(x))
    x = np.clip(x, lower + h, upper - h)
    steps = np.diag(h)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = steps[i], steps[j]
            value = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (
                4 * h[i] * h[j]
            )
            out[i, j] = out[j, i] = value
    return out


def metrics(p: np.ndarray, y: np.ndarray) -> dict[str, float | None]:
    """Log-loss, Brier score and AUC (None when the held-out answers are all alike)."""
    log_loss = float(_log_losses(p, y).mean())
    brier = float(((p - y) ** 2).mean())
    n1, n0 = int(y.sum()), int(len(y) - y.sum())
    auc = None
    if n1 and n0:  # Mann-Whitney: the chance a believer is scored above a doubter
        ranks = stats.rankdata(p)
        auc = float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))
    return {"log_loss": round(log_loss, 4), "brier": round(brier, 4), "auc": auc and round(auc, 4)}


def fit_transcripts(paths: list[Path], out: Path, holdout: float, seed: int) -> str:
    """Fit, score and write the files; returns the lines to print."""
    contexts, y, files = read_decisions(paths)
    order = np.random.default_rng(seed).permutation(len(contexts))
    n_test = max(1, round(holdout * len(contexts)))
    test, train = order[:n_test], order[n_test:]
    topics = sorted({c.news.topic for c in contexts})
    train_ctx = [contexts[i] for i in train]
    test_ctx = [contexts[i] for i in test]
    nll = _Likelihood(train_ctx, y[train], topics)
    start, bounds = nll.start(), nll.bounds()
    result = optimize.minimize(nll, start, method="L-BFGS-B", bounds=bounds)
    theta = result.x
    lower, upper = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])
    at_bound = (np.isclose(theta, lower, atol=1e-3)) | (np.isclose(theta, upper, atol=1e-3))
    covariance = np.linalg.pinv(_hessian(nll, theta, lower, upper))
    se = np.sqrt(np.clip(np.diag(covariance), 0, None))
    base_rate = float(y[train].mean())
    scores = {
        "fitted": metrics(nll.probabilities(theta, test_ctx), y[test]),
        "default": metrics(nll.probabilities(start, test_ctx), y[test]),
        "constant": metrics(np.full(len(test), base_rate), y[test]),
    }
    estimates = {
        name: {
            "value": round(float(v), 4),
            "default": round(float(d), 4),
            "se": round(float(s), 4),
            "ci95": [round(float(v - 1.96 * s), 4), round(float(v + 1.96 * s), 4)],
            "at_bound": bool(b),
        }
        for name, v, d, s, b in zip(nll.names, theta, start, se, at_bound, strict=True)
    }
    out.mkdir(parents=True, exist_ok=True)
    n = len(dataclasses.fields(SurrogateParameters))
    header = (
        f"Fitted by python run.py fit-surrogate to {len(train)} decisions in "
        f"{', '.join(sorted(files))} ({len(test)} held out); see fit.json"
    )
    write_surrogate_file(
        out / "surrogate_params.yaml",
        dict(zip(nll.names[:n], theta[:n].tolist(), strict=True)),
        dict(zip(topics, theta[n:].tolist(), strict=True)),
        header,
    )
    summary = {
        "transcripts": sorted(files),
        "decisions": len(contexts),
        "train": len(train),
        "held_out": len(test),
        "believe_share": round(float(y.mean()), 4),
        "converged": bool(result.success),
        "log_likelihood": round(-float(result.fun), 3),
        "estimates": estimates,
        "held_out_scores": scores,
    }
    (out / "fit.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    _calibration_plot(out / "calibration.png", nll, theta, start, test_ctx, y[test])
    lines = [
        f"fit: {out / 'surrogate_params.yaml'} (use as llm.surrogate_params)",
        f"{len(contexts)} decisions ({y.mean():.0%} believe), {len(test)} held out",
    ]
    for name, s in scores.items():
        auc = "n/a" if s["auc"] is None else f"{s['auc']:.3f}"
        lines.append(f"  {name:8s} log-loss {s['log_loss']:.3f}  Brier {s['brier']:.3f}  AUC {auc}")
    bound = [name for name, e in estimates.items() if e["at_bound"]]
    if bound:
        lines.append(f"at a bound (not pinned down by these data): {', '.join(bound)}")
    if not result.success:
        lines.append(f"warning: the optimiser did not converge ({result.message})")
    return "\n".join(lines)


def _calibration_plot(path, nll, theta, start, contexts, y) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5))
    edges = np.linspace(0, 1, 6)
    for label, params, marker in (("fitted", theta, "o"), ("default", start, "s")):
        p = nll.probabilities(params, contexts)
        which = np.clip(np.digitize(p, edges) - 1, 0, len(edges) - 2)
        xs, ys, ns = [], [], []
        for b in range(len(edges) - 1):
            mask = which == b
            if mask.any():
                xs.append(p[mask].mean())
                ys.append(y[mask].mean())
                ns.append(int(mask.sum()))
        ax.plot(xs, ys, marker=marker, label=f"{label} surrogate")
        for x, v, k in zip(xs, ys, ns, strict=True):
            ax.annotate(str(k), (x, v), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    ax.set_xlabel("predicted P(believe)")
    ax.set_ylabel("share of held-out answers believing")
    ax.set_title(
        f"Held-out calibration, {len(y)} decisions\n(numbers: decisions per bin)", fontsize=10
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


__all__ = ["fit_transcripts", "metrics", "read_decisions"]
