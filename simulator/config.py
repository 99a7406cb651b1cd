"""The scenario schema and loader.

Every field a scenario file may hold is declared here with its type, range and default;
docs/SCENARIOS.md documents the same fields for people. Loading turns any problem into a
ScenarioError whose one-line message names the field path, the bad value and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from agents.news import NewsItem
from agents.rules.registry import SPECS, LLMSpec, RuleSpec, SurrogateSpec, rule_updates
from simulator.errors import ScenarioError
from simulator.yaml_reader import read_yaml

TOPICS = ("political", "science", "terrorism", "urban_legend", "natural_disaster", "finance")


class Strict(BaseModel):
    """Base for all scenario sections: unknown keys are errors; pydantic's usual coercion
    applies ("3" is accepted for an integer, "three" is not)."""

    model_config = ConfigDict(extra="forbid", strict=False, validate_default=True)


class GeneratedPersonas(Strict):
    """Personas drawn from the scenario seed."""

    source: Literal["generated"] = "generated"


class PersonaFile(Strict):
    """Personas read from a CSV (header row) or JSON Lines file, one per agent."""

    source: Literal["file"]
    path: Path = Field(description="CSV or JSONL file; relative to the scenario file")


class Population(Strict):
    """Who is in the simulation."""

    size: int = Field(30, ge=2, le=100_000_000, description="number of agents")
    initial_believers: int = Field(2, ge=0, description="agents who believe the item on day 0")
    personas: Annotated[GeneratedPersonas | PersonaFile, Field(discriminator="source")] = (
        GeneratedPersonas()
    )

    @model_validator(mode="after")
    def _believers_fit(self) -> Population:
        if self.initial_believers > self.size:
            raise ValueError(
                f"initial_believers {self.initial_believers} is more than size {self.size} "
                f"(allowed: 0..{self.size})"
            )
        return self


class News(Strict):
    """The false news item."""

    topic: Literal[
        "political",
        "science",
        "terrorism",
        "urban_legend",
        "natural_disaster",
        "finance",
        "custom",
    ] = "political"
    claim: str = Field(
        "a senior senator secretly owns shares in the company that won a huge defence contract",
        min_length=3,
        max_length=300,
        description="the bare false proposition",
    )
    text: str = Field(
        "Leaked documents reportedly show that a senior senator secretly owns shares in the "
        "company that just won a huge defence contract.",
        min_length=3,
        max_length=4000,
        description="the item as it circulates",
    )
    appeal: float | None = Field(
        None,
        ge=-10,
        le=10,
        description="surrogate only: logit offset of the item's pull; default from the topic",
    )

    @model_validator(mode="after")
    def _custom_needs_appeal(self) -> News:
        if self.topic == "custom" and self.appeal is None:
            raise ValueError("topic 'custom' needs news.appeal (a number from -10 to 10)")
        return self

    def item(self) -> NewsItem:
        """The item as agents and models see it (without the surrogate's appeal)."""
        return NewsItem(self.topic, self.claim, self.text)


class RandomContacts(Strict):
    """FPS contacts: each day every agent hears the latest post of k random others."""

    type: Literal["random_contacts"] = "random_contacts"
    k: int = Field(3, ge=1, le=1000, description="posts heard per agent per day")


class _Network(Strict):
    posts_per_day: int | None = Field(
        None,
        ge=1,
        le=1000,
        description="neighbours heard per day (random sample); null: all, up to the "
        "short-term memory capacity",
    )


class CompleteGraph(_Network):
    """Everyone is everyone's neighbour."""

    type: Literal["complete"]


class ErdosRenyi(_Network):
    """G(n, p) random graph."""

    type: Literal["erdos_renyi"]
    p: float = Field(0.1, gt=0, le=1, description="edge probability")


class WattsStrogatz(_Network):
    """Small-world ring lattice with rewiring."""

    type: Literal["watts_strogatz"]
    k: int = Field(4, ge=2, le=1000, description="ring neighbours (even)")
    p: float = Field(0.1, ge=0, le=1, description="rewiring probability")


class BarabasiAlbert(_Network):
    """Preferential attachment (scale-free degrees)."""

    type: Literal["barabasi_albert"]
    m: int = Field(2, ge=1, le=1000, description="edges added per new node")


class EdgeList(_Network):
    """An undirected edge list file: one 'a b' pair of agent indices (0-based) per line."""

    type: Literal["edge_list"]
    path: Path = Field(description="edge list file; relative to the scenario file")


Contacts = Annotated[
    RandomContacts | CompleteGraph | ErdosRenyi | WattsStrogatz | BarabasiAlbert | EdgeList,
    Field(discriminator="type"),
]


class MemorySettings(Strict):
    """Bounds that keep prompts from growing with the days."""

    short_term_capacity: int = Field(10, ge=1, le=200, description="posts remembered per day")
    long_term_capacity: int = Field(6, ge=1, le=100, description="long-term memory items")
    max_item_chars: int = Field(280, ge=20, le=4000, description="characters kept per item")


def _named_rule(value: Any) -> Any:
    return {"type": value} if isinstance(value, str) else value


def _check_order(update: str, rule: Any, where: str = "update") -> None:
    name = rule.type if rule is not None else "default"
    updates = rule_updates(name)
    if update not in updates:
        raise ValueError(
            f"{where} {update} is not available for the {name} rule (allowed: "
            f"{', '.join(updates)}; docs/RULES.md says why)"
        )


class Group(Strict):
    """A named group of agents deciding by a rule of its own (a hybrid population)."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
    rule: RuleSpec = Field(description="the group's rule: a name or {type, parameters}")
    share: float | None = Field(None, gt=0, le=1, description="the group's share of agents")
    count: int | None = Field(None, ge=1, description="the group's number of agents")
    select: Literal["random", "most_connected", "listed"] = Field(
        "random",
        description="which agents: drawn from the seed, the highest degrees of the contact "
        "network, or the agents listed in 'agents'",
    )
    agents: list[int] | None = Field(None, description="agent indices (select: listed)")

    @field_validator("rule", mode="before")
    @classmethod
    def _rule_by_name(cls, value: Any) -> Any:
        return _named_rule(value)

    def size(self, n: int) -> int:
        """The group's number of agents in a population of ``n``."""
        if self.agents:
            return len(self.agents)
        return self.count or max(1, round(self.share * n))

    @model_validator(mode="after")
    def _one_size(self) -> Group:
        if self.select == "listed":
            if not self.agents or self.share is not None or self.count is not None:
                raise ValueError("select: listed takes the list 'agents' and no share or count")
            if len(set(self.agents)) < len(self.agents):
                raise ValueError("agents: an agent is listed twice")
        elif (self.share is None) == (self.count is None) or self.agents is not None:
            raise ValueError(f"select: {self.select} takes one of share or count (and no agents)")
        return self


class AgentSettings(Strict):
    """How agents act."""

    update: Literal["synchronous", "sequential", "random_sequential"] = Field(
        "synchronous",
        description="synchronous: all read yesterday's posts (batched); sequential: FPS, "
        "random order, latest posts; random_sequential: n turns of agents drawn with "
        "replacement, latest posts (classic opinion rules)",
    )
    rule: RuleSpec | None = Field(
        None,
        description="how agents decide: a rule's name (surrogate, llm or a classic rule of "
        "docs/RULES.md), or a mapping of its type and parameters; with groups, the rule of "
        "the agents in no group; default: surrogate with backend mock, llm otherwise",
    )
    groups: list[Group] = Field(
        default_factory=list,
        max_length=50,
        description="named groups with rules of their own, in one population (docs/RULES.md)",
    )
    memory: MemorySettings = MemorySettings()

    @field_validator("rule", mode="before")
    @classmethod
    def _rule_by_name(cls, value: Any) -> Any:
        return _named_rule(value)

    @model_validator(mode="after")
    def _order_fits_rules(self) -> AgentSettings:
        _check_order(self.update, self.rule)
        for i, group in enumerate(self.groups):
            _check_order(self.update, group.rule, f"update (for groups[{i}])")
        names = [g.name for g in self.groups]
        if len(set(names)) < len(names):
            raise ValueError(f"groups: two groups have the same name ({', '.join(names)})")
        return self


class PerKind(Strict):
    """One value per request kind."""

    summarise: float
    reflect: float
    opinion: float


class Temperatures(PerKind):
    """Sampling temperature per request kind (FPS: 0.5 / 1.0 / 1.0)."""

    summarise: float = Field(0.5, ge=0, le=2)
    reflect: float = Field(1.0, ge=0, le=2)
    opinion: float = Field(1.0, ge=0, le=2)


class MaxTokens(Strict):
    """Completion token limit per request kind."""

    summarise: int = Field(160, ge=16, le=8192)
    reflect: int = Field(160, ge=16, le=8192)
    opinion: int = Field(256, ge=16, le=8192)


class CacheSettings(Strict):
    """On-disk response cache (openai backend)."""

    mode: Literal["off", "read", "write", "readwrite"] = "readwrite"
    path: Path = Path(".cache/llm-cache.sqlite")


class Prices(Strict):
    """USD per million tokens, for cost accounting."""

    input_per_million: float = Field(0.0, ge=0, le=10_000)
    output_per_million: float = Field(0.0, ge=0, le=10_000)


class LLMSettings(Strict):
    """The language model behind every decision."""

    backend: Literal["mock", "openai"] = "mock"
    model: str | None = Field(None, max_length=200, description="model name (openai backend)")
    base_url: str | list[str] | None = Field(
        None, description="OpenAI-compatible endpoint(s); null: the openai package's default"
    )
    api_key_env: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] | None = (
        Field(
            "OPENAI_API_KEY",
            description="name of the environment variable holding the key (never the key); "
            "null for a server that needs none",
        )
    )
    temperature: Temperatures = Temperatures()
    max_tokens: MaxTokens = MaxTokens()
    timeout_s: float = Field(60.0, gt=0, le=3600)
    concurrency: int = Field(32, ge=1, le=4096)
    client_processes: int = Field(
        1, ge=1, le=64, description="processes sending requests (for hundreds per second)"
    )
    max_retries: int = Field(4, ge=0, le=20)
    requests_per_minute: int | None = Field(None, ge=1)
    tokens_per_minute: int | None = Field(None, ge=1)
    cache: CacheSettings = CacheSettings()
    prices: Prices = Prices()
    budget_usd: float | None = Field(None, gt=0)
    stop_failed_share: float | None = Field(
        1.0,
        gt=0,
        le=1,
        description="stop the run after a day on which at least this share of the model "
        "requests failed (1: a day on which all failed; null: never); the run can be resumed",
    )
    surrogate_params: Path | None = Field(
        None,
        description="surrogate (mock) only: a parameter file of fitted weights "
        "(python run.py fit-surrogate); relative to the scenario file",
    )
    max_failed_share: float = Field(
        0.1,
        ge=0,
        le=1,
        description="a run whose share of failed model requests is larger is marked "
        "unreliable (summary status, plots) and ends with exit code 3",
    )

    @model_validator(mode="after")
    def _openai_needs_model(self) -> LLMSettings:
        if self.backend == "openai" and not self.model:
            raise ValueError("backend 'openai' needs llm.model (the model name to request)")
        return self


class EngagementSettings(Strict):
    """Views, likes, shares and comments on posts (simulator/engagement.py)."""

    enabled: bool = Field(True, description="simulate engagement and write engagement.csv")
    like_rate: float = Field(0.15, ge=0, le=1, description="base chance a view becomes a like")
    share_rate: float = Field(0.05, ge=0, le=1, description="base chance of a share")
    comment_rate: float = Field(0.04, ge=0, le=1, description="base chance of a comment")
    activity_profile: list[float] | None = Field(
        None,
        min_length=24,
        max_length=24,
        description="24 weights: how active agents are in each hour; null: a typical day",
    )

    @model_validator(mode="after")
    def _profile_positive(self) -> EngagementSettings:
        profile = self.activity_profile
        if profile is not None and (min(profile) < 0 or sum(profile) <= 0):
            raise ValueError("activity_profile: 24 weights >= 0, not all 0")
        return self


class EarlyWarning(Strict):
    """A forecast made from the first days of the run, scored when the run ends."""

    enabled: bool = True
    observe_days: int = Field(3, ge=1, le=3650, description="days the forecast may see")


class Outputs(Strict):
    """Where and what to write."""

    dir: Path = Field(Path("results"), description="results root; relative to the working dir")
    plots: bool = Field(True, description="draw the PNG figures")
    report: bool = Field(
        True, description="write report.html, one self-contained page (python run.py report)"
    )
    agents_table: Literal["all", "sample", "none"] = Field(
        "all",
        description="the per-agent table (one row per agent and day): all agents, a sample "
        "of agents_sample agents drawn from the seed, or none",
    )
    agents_sample: int = Field(
        1000, ge=1, le=10_000_000, description="agents in a sampled table (agents_table: sample)"
    )
    agents_format: Literal["csv", "csv.gz", "parquet"] = Field(
        "csv",
        description="csv; gzip-compressed csv.gz for big runs (about 8x smaller); or parquet "
        "(a folder agents.parquet of one file per day; needs pyarrow: murmur[parquet])",
    )
    checkpoint: bool = Field(
        True, description="save the run's state after every day, for run.py resume"
    )


class Scenario(Strict):
    """A whole scenario file."""

    name: str = Field("scenario", pattern=r"^[A-Za-z0-9_.-]{1,80}$")
    description: str = Field("", max_length=2000)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    days: int = Field(15, ge=1, le=3650)
    population: Population = Population()
    news: News = News()
    contacts: Contacts = RandomContacts()
    agents: AgentSettings = AgentSettings()
    llm: LLMSettings = LLMSettings()
    engagement: EngagementSettings = EngagementSettings()
    early_warning: EarlyWarning = EarlyWarning()
    interventions: list[dict[str, Any]] = Field(
        default_factory=list,
        description="intervention entries: a 'type' and that type's parameters "
        "(docs/INTERVENTIONS.md); validated by each plug-in's own schema",
    )
    outputs: Outputs = Outputs()

    @model_validator(mode="after")
    def _groups_fit(self) -> Scenario:
        n = self.population.size
        wanted = sum(g.size(n) for g in self.agents.groups)
        if wanted > n:
            raise ValueError(
                f"agents.groups: the groups take {wanted} agents, more than population.size {n}"
            )
        for g in self.agents.groups:
            if g.agents and not all(0 <= a < n for a in g.agents):
                raise ValueError(f"agents.groups: group {g.name} lists agents outside 0..{n - 1}")
        return self

    @model_validator(mode="after")
    def _default_rule(self) -> Scenario:
        if self.agents.rule is None:
            mock = self.llm.backend == "mock"
            rule = SurrogateSpec(type="surrogate") if mock else LLMSpec(type="llm")
            self.agents = self.agents.model_copy(update={"rule": rule})
        return self

    def resolved(self) -> dict[str, Any]:
        """The scenario with every default filled in, as plain YAML-ready data."""
        return self.model_dump(mode="json")


# --- loading ----------------------------------------------------------------------------------
# Discriminated-union members by field and tag: pydantic puts the tag into error locations,
# after the field's name.
_TAGGED: dict[str, dict[str, type[BaseModel]]] = {
    "personas": {"generated": GeneratedPersonas, "file": PersonaFile},
    "contacts": {
        "random_contacts": RandomContacts,
        "complete": CompleteGraph,
        "erdos_renyi": ErdosRenyi,
        "watts_strogatz": WattsStrogatz,
        "barabasi_albert": BarabasiAlbert,
        "edge_list": EdgeList,
    },
    "rule": SPECS,
}
# a group's rule, under agents.groups.N.rule, is tagged the same way


def _is_tag(loc: tuple[Any, ...], i: int) -> bool:
    return i > 0 and isinstance(loc[i], str) and loc[i] in _TAGGED.get(str(loc[i - 1]), {})


def _only_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None  # a union: the next part of an error location is its tag


def _allowed_keys(loc: tuple[Any, ...]) -> list[str] | None:
    """Keys allowed at ``loc`` in the schema, or None where that is not a section."""
    model: type[BaseModel] | None = Scenario
    for i, part in enumerate(loc):
        if _is_tag(loc, i):
            model = _TAGGED[loc[i - 1]][part]
            continue
        if model is None or isinstance(part, int) or part not in model.model_fields:
            return None
        model = _only_model(model.model_fields[part].annotation)
    return list(model.model_fields) if model is not None else None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def format_validation_error(exc: ValidationError) -> str:
    """One line for the first error: field path, bad value, what is allowed."""
    errors = exc.errors()
    err = errors[0]
    loc = tuple(err["loc"])
    # a key that cannot be printed as it is (a newline in it) is shown quoted: one line
    shown = [
        str(p) if str(p).isprintable() else repr(p)
        for i, p in enumerate(loc)
        if not _is_tag(loc, i)
    ]
    path = ".".join(shown) or "scenario"
    kind = err["type"]
    more = (
        f" (and {len(errors) - 1} more problem{'s' * (len(errors) > 2)})" if len(errors) > 1 else ""
    )
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = f"allowed here: {', '.join(allowed)}" if allowed else "remove it"
        return f"{path}: unknown field ({hint}){more}"
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        key = str(ctx.get("discriminator", "'type'")).strip("'")
        return (
            f"{path}.{key}: unknown {key} {ctx.get('tag')!r} "
            f"(allowed: {ctx.get('expected_tags', '')}){more}"
        )
    if kind == "missing":
        return f"{path}: required field is missing{more}"
    if kind in ("value_error", "assertion_error"):
        if not loc and msg.split(".", 1)[0] in Scenario.model_fields:
            return f"{msg}{more}"  # a check across sections names its own field
        return f"{path}: {msg}{more}"
    return f"{path}: {msg}; got {_short(err.get('input'))}{more}"


def parse_scenario(document: Any, base_dir: Path) -> Scenario:
    """Validate a loaded YAML document; resolve file paths against ``base_dir``."""
    if document is None:
        raise ScenarioError("scenario: the file is empty (expected a mapping of fields)")
    if not isinstance(document, dict):
        raise ScenarioError(
            "scenario: expected a mapping of fields at the top level, "
            f"got {type(document).__name__}"
        )
    try:
        scenario = Scenario.model_validate(document)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc)) from None
    _check_interventions(scenario.interventions, scenario.days)
    personas = scenario.population.personas
    if isinstance(personas, PersonaFile):
        personas.path = _existing(base_dir, personas.path, "population.personas.path")
    if isinstance(scenario.contacts, EdgeList):
        scenario.contacts.path = _existing(base_dir, scenario.contacts.path, "contacts.path")
    if scenario.llm.surrogate_params is not None:
        from simulator.surrogate_params import read_surrogate_file

        path = _existing(base_dir, scenario.llm.surrogate_params, "llm.surrogate_params")
        read_surrogate_file(path)  # a bad file is bad input now, not at day 1
        scenario.llm.surrogate_params = path
    return scenario


def _check_interventions(entries: list[dict[str, Any]], days: int) -> None:
    from interventions.registry import InterventionSpecError, build_all

    try:
        build_all(entries, days)
    except InterventionSpecError as exc:
        raise ScenarioError(f"{exc.field}: {exc.message}") from None


def _existing(base_dir: Path, path: Path, field: str) -> Path:
    full = path if path.is_absolute() else base_dir / path
    if not full.is_file():
        raise ScenarioError(f"{field}: file not found: {str(path)!r}")
    return full.resolve()


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; every problem becomes a one-line ScenarioError."""
    path = Path(path)
    return parse_scenario(read_yaml(path), path.parent)
