"""Errors meant for people: each carries a one-line message and becomes exit code 2."""


class UserError(Exception):
    """A problem with what the user asked for (not a bug): printed as one line, exit code 2."""


class ScenarioError(UserError):
    """An invalid scenario: the message names the field path, the bad value and what is allowed."""


class InputWarning(UserWarning):
    """Input that is accepted but not used as written (a self-loop in an edge list, say): the
    command line prints it as one ``warning:`` line on stderr and carries on."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a command that writes results: the one line says what was kept and
    where (the actual folder) and how to go on. Exit code 130."""


class ModelUnavailable(UserError):
    """The language model failed every request of a day (or the share the scenario allows):
    the run stopped after the last good day, resumable. Exit code 2."""
