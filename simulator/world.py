"""Building a scenario's world: personas, contact structure and language-model backend.

Kept apart from the runner so that ``check`` can validate every input file without loading
Mesa or the plotting stack.
"""

from __future__ import annotations

from agents.llm import Accounting, BackendUnavailable, create_backend
from agents.persona import Persona, PersonaFileError, generate_personas, load_personas
from simulator.config import PersonaFile, Scenario
from simulator.errors import ScenarioError
from simulator.network import ContactStructure, build_contacts


def build_personas(scenario: Scenario) -> list[Persona]:
    """The population's personas: generated from the seed or read from the persona file."""
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
        return personas[: pop.size]
    return generate_personas(pop.size, scenario.seed)


def build_world(scenario: Scenario) -> tuple[list[Persona], ContactStructure]:
    """Personas and contacts; raises ScenarioError for bad input files. Used by ``check`` too."""
    personas = build_personas(scenario)
    contacts = build_contacts(
        scenario.contacts,
        len(personas),
        scenario.seed,
        scenario.agents.memory.short_term_capacity,
    )
    if scenario.interventions:
        raise ScenarioError(
            "interventions: no intervention types are available in this version "
            "(allowed: an empty list)"
        )
    return personas, contacts


def build_backend(scenario: Scenario) -> Accounting:
    """The scenario's backend wrapped in accounting; an unusable backend is a ScenarioError."""
    settings: dict = {}
    if scenario.llm.backend == "mock" and scenario.news.appeal is not None:
        from agents.llm.mock import TOPIC_PROFILES, TopicProfile

        settings["topics"] = {
            **TOPIC_PROFILES,
            scenario.news.topic: TopicProfile(scenario.news.appeal),
        }
    try:
        return Accounting(create_backend(scenario.llm.backend, scenario.seed, **settings))
    except (BackendUnavailable, ImportError) as exc:
        raise ScenarioError(f"llm.backend: {exc}") from None
