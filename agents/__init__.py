"""Agents: personas, memory, prompts, the language-model boundary and its backends.

This package knows nothing of the simulator or of interventions.
"""
