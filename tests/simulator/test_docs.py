"""docs/SCENARIOS.md documents every field of the schema."""

import typing

from pydantic import BaseModel

from simulator.config import Scenario
from tests.conftest import ROOT


def field_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    paths = set()
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        candidates = [field.annotation, *typing.get_args(field.annotation)]
        for arg in list(candidates):
            candidates.extend(typing.get_args(arg))
        sections = [s for s in candidates if isinstance(s, type) and issubclass(s, BaseModel)]
        for sub in sections:
            paths |= field_paths(sub, f"{path}.")
        if not sections or prefix == "":  # leaves, and every top-level field
            paths.add(path)
    return paths


def test_every_field_is_documented():
    doc = (ROOT / "docs" / "SCENARIOS.md").read_text()
    paths = field_paths(Scenario)
    assert "contacts.posts_per_day" in paths and "llm.cache.mode" in paths
    missing = sorted(p for p in paths if f"`{p}`" not in doc)
    assert not missing, f"undocumented scenario fields: {missing}"
