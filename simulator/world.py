"""Building a scenario's world: personas, contact structure and language-model backend.

Kept apart from the runner so that ``check`` can validate every input file without loading
Mesa or the plotting stack.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from agents.llm import Accounting, BackendUnavailable, LanguageModel, create_backend
from agents.llm.accounting import Prices
from agents.llm.cache import ResponseCache
from agents.llm.transcript import Transcript
from agents.persona import (
    Persona,
    PersonaFileError,
    PersonaTable,
    generate_personas,
    load_personas,
)
from interventions import Intervention, InterventionSpecError, build_all
from simulator.config import PersonaFile, Scenario
from simulator.errors import ScenarioError
from simulator.network import ContactStructure, build_contacts
from simulator.resources import llm_agents


def build_personas(
    scenario: Scenario, progress: Callable[[int], object] | None = None
) -> PersonaTable:
    """The population's personas: generated from the seed (telling ``progress`` how many
    are made) or read from the persona file."""
    pop = scenario.population
    if isinstance(pop.personas, PersonaFile):
        try:
            personas = load_personas(pop.personas.path)
        except PersonaFileError as exc:
            raise ScenarioError(f"population.personas.path: {exc}") from None
        if len(personas) < pop.size:
            raise ScenarioError(
                f"population.size: {pop.size} agents but the persona file holds only "
                f"{len(personas)} (allowed: at most {len(personas)}, or add personas)"
            )
        return PersonaTable.of(personas[: pop.size])
    return generate_personas(pop.size, scenario.seed, progress)


def build_world(
    scenario: Scenario, progress: Callable[[int], object] | None = None
) -> tuple[PersonaTable, ContactStructure]:
    """Personas and contacts; raises ScenarioError for bad input files. Used by ``check`` too.
    ``progress(k)`` hears of every k personas made."""
    personas = build_personas(scenario, progress)
    contacts = build_contacts(
        scenario.contacts,
        len(personas),
        scenario.seed,
        scenario.agents.memory.short_term_capacity,
    )
    if scenario.llm.backend == "openai":
        api_key(scenario)  # a missing key is an error before anything runs or is written
    if scenario.agents.groups:
        group_members(scenario, contacts)  # a group that cannot be formed is bad input now
    return personas, contacts


def build_interventions(scenario: Scenario) -> list[Intervention]:
    """Fresh instances of the scenario's interventions (they hold a run's state)."""
    try:
        return build_all(scenario.interventions)
    except InterventionSpecError as exc:
        raise ScenarioError(f"{exc.field}: {exc.message}") from None


def api_key(scenario: Scenario) -> str:
    """The API key from the environment variable the scenario names (openai backend)."""
    name = scenario.llm.api_key_env
    if name is None:
        return "not-needed"  # local servers accept any key; the client insists on one
    key = os.environ.get(name)
    if not key:
        raise ScenarioError(
            f"llm.api_key_env: environment variable {name} is not set (allowed: set it, or "
            "api_key_env: null for a server that needs no key)"
        )
    return key


_PROBLEM_FIELD = {"base_url": "llm.base_url", "api_key": "llm.api_key_env", "model": "llm.model"}


def check_endpoints(scenario: Scenario) -> None:
    """For the openai backend, ask every endpoint once whether it can serve the run (reached,
    key accepted, model served); a ScenarioError naming the field otherwise. Runs before
    anything is written, so a typo in a URL, key or model name is said in seconds."""
    llm = scenario.llm
    if llm.backend != "openai" or not asks_a_model(scenario):
        return
    from agents.llm.openai_backend import probe_endpoint

    key = api_key(scenario)
    urls = llm.base_url if isinstance(llm.base_url, list) else [llm.base_url]

    async def probe_all():
        return await asyncio.gather(
            *(probe_endpoint(url, key, llm.model or "", llm.timeout_s) for url in urls)
        )

    for problem in asyncio.run(probe_all()):
        if problem is not None:
            where = f" (read from ${llm.api_key_env})" if problem.what == "api_key" else ""
            raise ScenarioError(f"{_PROBLEM_FIELD[problem.what]}: {problem.message}{where}")


def build_backend(scenario: Scenario, transcript: Path | None = None) -> Accounting:
    """The scenario's backend, wrapped in cache, transcript and accounting as configured.

    Raises ScenarioError for an unusable backend or a missing API key, before anything is
    written.
    """
    llm = scenario.llm
    try:
        if llm.backend == "mock":
            return surrogate_backend(scenario)
        urls = llm.base_url if isinstance(llm.base_url, list) else [llm.base_url]
        settings = {
            "seed": scenario.seed,
            "model": llm.model,
            "api_key": api_key(scenario),
            "base_urls": urls,
            "concurrency": llm.concurrency,
            "timeout_s": llm.timeout_s,
            "max_retries": llm.max_retries,
            "requests_per_minute": llm.requests_per_minute,
            "tokens_per_minute": llm.tokens_per_minute,
        }
        if llm.client_processes > 1:
            from agents.llm.sharded import ShardedModel

            backend: LanguageModel = ShardedModel(llm.client_processes, **settings)
        else:
            backend = create_backend("openai", **settings)
    except (BackendUnavailable, ImportError) as exc:
        raise ScenarioError(f"llm.backend: {exc}") from None
    if llm.cache.mode != "off":
        try:
            backend = ResponseCache(
                backend, llm.cache.path, llm.cache.mode, llm.model or "", scenario.seed
            )
        except (OSError, sqlite3.Error) as exc:
            raise ScenarioError(
                f"llm.cache.path: cannot open {str(llm.cache.path)!r} ({exc})"
            ) from None
    if transcript is not None:
        backend = Transcript(backend, transcript)
    return accounting(backend, scenario)


def surrogate_settings(scenario: Scenario) -> dict:
    """The surrogate's ``parameters`` and ``topics`` for this scenario: the defaults, or the
    fitted ones ``llm.surrogate_params`` names, with ``news.appeal`` in place of the topic's."""
    from agents.surrogate import TOPIC_PROFILES, SurrogateParameters, TopicProfile

    parameters, topics = SurrogateParameters(), TOPIC_PROFILES
    if scenario.llm.surrogate_params is not None:
        from simulator.surrogate_params import read_surrogate_file

        parameters, topics = read_surrogate_file(scenario.llm.surrogate_params)
    if scenario.news.appeal is not None:
        topics = {**topics, scenario.news.topic: TopicProfile(scenario.news.appeal)}
    return {"parameters": parameters, "topics": topics}


def surrogate_backend(scenario: Scenario) -> Accounting:
    """The mock surrogate for this scenario (whatever its llm.backend), with accounting."""
    backend = create_backend("mock", scenario.seed, **surrogate_settings(scenario))
    return accounting(backend, scenario)


def array_rule(
    scenario: Scenario,
    personas: Sequence[Persona],
    contacts: ContactStructure,
    backend: LanguageModel | None = None,
):
    """A builder of the scenario's decision rule for an ``ArrayModel``: the surrogate, a
    classic rule, or groups with rules of their own (a ``Hybrid``), an ``llm`` group's
    citizens asking ``backend``."""
    news = scenario.news.item()

    def one_rule(spec, model, members=None):
        population = model.population
        if spec.type == "llm":
            from agents.rules.language_model import LanguageModelRule
            from simulator.model import request_sampling

            if backend is None:
                raise ValueError("an llm group needs a backend")
            sampling = request_sampling(scenario)
            memory = scenario.agents.memory
            return LanguageModelRule(
                model, members, personas, news, population, backend, sampling, memory
            )
        if spec.type != "surrogate":
            from agents.rules.registry import classic_rule

            return classic_rule(spec, scenario.seed, population, news, members)
        from agents.rules.surrogate import SurrogateRule

        settings = surrogate_settings(scenario)
        return SurrogateRule(scenario.seed, personas, news, population.belief, **settings)

    if not scenario.agents.groups:
        return lambda model: one_rule(scenario.agents.rule, model)
    members = group_members(scenario, contacts)

    def make_hybrid(model):
        from agents.rules.hybrid import Hybrid

        specs = {g.name: g.rule for g in scenario.agents.groups}
        specs.setdefault(REST, scenario.agents.rule)
        groups = {
            name: (agents, one_rule(specs[name], model, agents)) for name, agents in members.items()
        }
        return Hybrid(groups, model.population.n)

    return make_hybrid


def asks_a_model(scenario: Scenario) -> bool:
    """Whether some agents decide by requests to ``llm.backend`` (the ``llm`` rule)."""
    return llm_agents(scenario) > 0


def citizens_only(scenario: Scenario) -> bool:
    """Whether every agent is a citizen of the ``llm`` rule (an ``OpinionModel``), rather
    than a population on arrays (an ``ArrayModel``, llm groups among them)."""
    return not scenario.agents.groups and scenario.agents.rule.type == "llm"


REST = "rest"
"""The group of the agents in no named group (they follow ``agents.rule``)."""


def group_rules(scenario: Scenario) -> dict[str, str]:
    """Each group's rule by name, the rest's too when some agents are in no group."""
    rules = {g.name: g.rule.type for g in scenario.agents.groups}
    n = scenario.population.size
    if rules and sum(g.size(n) for g in scenario.agents.groups) < n:
        rules[REST] = scenario.agents.rule.type
    return rules


def group_members(scenario: Scenario, contacts: ContactStructure) -> dict[str, np.ndarray]:
    """Each group's agents, in the order the groups are listed, then the rest's: listed
    agents, the highest degrees among the agents left (ties by index), or a draw keyed on
    the seed."""
    n = scenario.population.size
    free = np.ones(n, dtype=bool)
    rng = np.random.default_rng([scenario.seed, 0x6A0])
    out: dict[str, np.ndarray] = {}
    for i, group in enumerate(scenario.agents.groups):
        field = f"agents.groups.{i}"
        if group.select == "listed":
            chosen = np.array(sorted(group.agents), dtype=np.int64)
            if not free[chosen].all():
                raise ScenarioError(f"{field}.agents: an agent listed is in an earlier group")
        else:
            size = group.size(n)
            left = np.flatnonzero(free)
            if group.select == "most_connected":
                degree = getattr(contacts, "degrees", None)
                if degree is None:
                    raise ScenarioError(
                        f"{field}.select: most_connected needs a network in contacts "
                        "(random_contacts gives everyone k contacts a day)"
                    )
                chosen = np.sort(left[np.argsort(-degree()[left], kind="stable")[:size]])
            else:
                chosen = np.sort(rng.permutation(left)[:size])
        free[chosen] = False
        out[group.name] = chosen
    if free.any():
        out[REST] = np.flatnonzero(free)
    return out


def accounting(backend: LanguageModel, scenario: Scenario) -> Accounting:
    """The accounting wrapper around ``backend``.

    Where the backend reports no usage, tokens are estimated from the prompts of every n-th
    agent: every 16th, but at most about 64 agents, since in a big population rendering even
    every 16th prompt cost more than the surrogate's decisions (measured at 10,000 agents).
    The llm groups of a hybrid population are spread over the agent ids, so there the key
    is every (llm agents / 64)-th id: about 64 of them, or all of a small group.
    """
    n, asking = scenario.population.size, llm_agents(scenario)
    every = max(16, n // 64) if asking in (0, n) else max(1, asking // 64)
    return Accounting(backend, prices(scenario), sample_every=every)


def prices(scenario: Scenario) -> Prices:
    """USD per million prompt and completion tokens, for the accounting."""
    p = scenario.llm.prices
    return Prices(p.input_per_million, p.output_per_million)
