"""The surrogate parameter file: weights fitted to a model (``python run.py fit-surrogate``),
named by a scenario's ``llm.surrogate_params``.

    # fitted to 300 decisions of gemma-3-270m ...
    parameters: {inertia: 0.4, gain: 0.2, ...}   # any field of SurrogateParameters
    topic_appeal: {political: 1.1, ...}          # replaces the lasting appeal of these topics

Fields left out keep the defaults of docs/SURROGATE.md.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from agents.surrogate import TOPIC_PROFILES, SurrogateParameters, TopicProfile
from simulator.errors import ScenarioError
from simulator.yaml_reader import read_yaml

_Weights = create_model(
    "SurrogateWeights",
    __config__=ConfigDict(extra="forbid"),
    **{
        f.name: (float, Field(f.default, ge=-50, le=50))
        for f in dataclasses.fields(SurrogateParameters)
    },
)


class SurrogateFile(BaseModel):
    """What a parameter file may hold."""

    model_config = ConfigDict(extra="forbid")
    parameters: _Weights = _Weights()  # type: ignore[valid-type]
    topic_appeal: dict[str, float] = {}


def read_surrogate_file(path: Path) -> tuple[SurrogateParameters, dict[str, TopicProfile]]:
    """The weights and topic profiles of a parameter file; ScenarioError naming the field."""
    field = "llm.surrogate_params"
    data = read_yaml(path, what=field)
    try:
        parsed = SurrogateFile.model_validate(data or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ScenarioError(f"{field}: {path}: {where}: {err['msg']}") from None
    return SurrogateParameters(**parsed.parameters.model_dump()), with_appeals(parsed.topic_appeal)


def with_appeals(topic_appeal: dict[str, float]) -> dict[str, TopicProfile]:
    """The built-in topic profiles with these topics' lasting appeal replaced (their novelty
    kept; a topic without a profile gets one with no novelty)."""
    topics = dict(TOPIC_PROFILES)
    for name, appeal in topic_appeal.items():
        topics[name] = dataclasses.replace(topics.get(name, TopicProfile(0.0)), appeal=appeal)
    return topics


def write_surrogate_file(
    path: Path, parameters: dict[str, float], topic_appeal: dict[str, float], header: str
) -> None:
    """Write a parameter file that ``read_surrogate_file`` reads back."""
    body = yaml.safe_dump(
        {
            "parameters": {k: round(v, 4) for k, v in parameters.items()},
            "topic_appeal": {k: round(v, 4) for k, v in topic_appeal.items()},
        },
        sort_keys=False,
    )
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    path.write_text(comment + body, encoding="utf-8")
