"""Reading scenario and spec files: YAML as the docs show it, with one-line errors.

PyYAML implements YAML 1.1, in which a bare ``off``, ``no``, ``yes`` or ``on`` is a boolean
and ``1e9`` is text; the docs write ``cache: {mode: off}`` and ``budget: 1e9`` and mean the
word and the number. Scenarios are therefore read with YAML 1.2's core schema for booleans
(only ``true`` and ``false``) and numbers (an exponent needs no dot). PyYAML also lets a
repeated key silently replace the first; here that is an error naming both lines. Both are
small changes to PyYAML's own loader (its resolver table and its composed node tree), so no
second YAML library is needed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from simulator.errors import ScenarioError

MAX_SCENARIO_BYTES = 1_000_000
MAX_ALIASES = 50

_BOOL = "tag:yaml.org,2002:bool"
_FLOAT = "tag:yaml.org,2002:float"


class ScenarioLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core-schema booleans and exponent floats."""


ScenarioLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ScenarioLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# YAML 1.1's float needs a dot and a signed exponent; 1.2 also reads 1e9 and 1.5e2 (PyYAML's float
# constructor already parses them).
ScenarioLoader.add_implicit_resolver(
    _FLOAT, re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789")
)


def _mapping_key(node: yaml.Node) -> str:
    return node.value if isinstance(node, yaml.ScalarNode) else "(a complex key)"


def _duplicate_key(node: yaml.Node, path: str = "") -> str | None:
    """The first repeated key anywhere under ``node``, as a one-line message, or None."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = _mapping_key(key_node)
            line = key_node.start_mark.line + 1
            where = f"{path}.{key}" if path else key
            if key in seen and key != "<<":
                return (
                    f"{where}: duplicate key on lines {seen[key]} and {line} "
                    "(allowed: each key once; the second would silently replace the first)"
                )
            seen[key] = line
            found = _duplicate_key(value_node, where)
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found = _duplicate_key(item, f"{path}[{i}]" if path else f"[{i}]")
            if found:
                return found
    return None


def parse_yaml(text: str, what: str = "scenario") -> Any:
    """The YAML document in ``text``; every problem becomes a one-line ScenarioError
    starting with ``what``."""
    try:
        # An alias repeats a whole subtree; a few nested ones expand to billions of nodes
        # when validated ("billion laughs"), so documents may hold only a few.
        aliases = sum(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text))
        if aliases > MAX_ALIASES:
            raise ScenarioError(
                f"{what}: {aliases} YAML aliases (*name) (allowed: at most {MAX_ALIASES})"
            )
        loader = ScenarioLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            duplicate = _duplicate_key(node)
            if duplicate:
                raise ScenarioError(duplicate)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(f"{what}: invalid YAML{where}: {problem}") from None


def read_yaml(path: str | Path, what: str = "scenario") -> Any:
    """The YAML document in ``path``, loaded safely (see the module docstring); every problem
    becomes a one-line ScenarioError starting with ``what``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{what} file not found: {str(path)!r}") from None
    except IsADirectoryError:
        raise ScenarioError(f"{what} path is a directory, not a file: {str(path)!r}") from None
    except OSError as exc:
        raise ScenarioError(f"cannot read {what} file {str(path)!r}: {exc.strerror}") from None
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            f"{what}: file is {len(raw)} bytes (allowed: at most {MAX_SCENARIO_BYTES})"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"{what}: {str(path)!r} is not UTF-8 text (line {line}); save it as UTF-8"
        ) from None
    return parse_yaml(text, what)
