"""The simulation engine: scenario schema, Mesa model, runner, metrics, outputs and CLI."""
