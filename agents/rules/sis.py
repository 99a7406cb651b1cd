"""``sis``: susceptible-infected-susceptible contagion (Weiss & Dishon 1971; the endemic
model of Hethcote, SIAM Review 42, 2000).

As ``sir`` (agents/rules/sir.py), but a recovered agent can be infected again: with
R0 = beta k / gamma > 1 the infected share settles near 1 - 1/R0 as N grows.

State: S (never infected), I (infected), R (recovered and susceptible again: the run's
S/I/R tally keeps S for the agents never reached). A notice or correction taken up moves S
and I to R as in ``sir``, which here cures an infected agent and makes nobody immune.
"""

from __future__ import annotations

from typing import Literal

from agents.rules.sir import SIR
from agents.rules.sir import Params as SIRParams


class Params(SIRParams):
    """SIS parameters: those of SIR."""

    type: Literal["sis"]


class SIS(SIR):
    """Susceptible-infected-susceptible."""

    name = "sis"
    key = 0x52
    immune_after = False
