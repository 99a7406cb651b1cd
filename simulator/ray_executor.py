"""The ``ray`` executor: each run is a Ray task (``pip install 'murmur[ray]'``).

The cluster is the one at ``--ray-address`` (or ``RAY_ADDRESS``), else a local one started
for the command on 127.0.0.1 with ``workers`` CPUs and stopped after it. The project's code
travels with the tasks (Ray's ``py_modules``), so the worker nodes need the dependencies
installed but not this checkout; the runs' files come back as task results and the driver
writes them (simulator.executors), so no shared filesystem is assumed. A task whose worker
dies is run again by Ray (``max_retries``); its folder lands once, when one attempt finishes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from simulator.errors import UserError
from simulator.jobs import Files, Job, run_detached

RETRIES = 3  # attempts after a worker or node dies mid-task (Ray's system-failure retries)
# A cluster started for the command listens on loopback only. Not 127.0.0.1: Ray replaces
# that address (and "localhost") by the machine's outward-facing one, meant to be reachable
# from other machines; any other address of the loopback range it keeps as given.
LOOPBACK = "127.0.0.2"


def _packages() -> list:
    import agents
    import interventions
    import simulator

    return [agents, interventions, simulator]


class RayExecutor:
    def __init__(self, workers: int, address: str | None):
        self.workers = workers
        self.address = address or os.environ.get("RAY_ADDRESS") or None

    def __enter__(self) -> RayExecutor:
        try:
            import ray
        except ImportError:
            raise UserError(
                "--executor ray: Ray is not installed (install it with: pip install "
                "'murmur[ray]', or use --executor local)"
            ) from None
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no reports sent anywhere
        runtime_env = {"py_modules": _packages(), "env_vars": {"PYTHONWARNINGS": "ignore"}}
        options = {"runtime_env": runtime_env, "log_to_driver": False, "logging_level": "ERROR"}
        try:
            if self.address:
                ray.init(address=self.address, **options)
            else:
                ray.init(
                    address="local",  # a new cluster, even when one runs on this machine
                    num_cpus=self.workers,
                    include_dashboard=False,
                    _node_ip_address=LOOPBACK,
                    **options,
                )
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = self.address or "a local cluster"
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UserError(f"--ray-address: cannot connect to {where} ({first})") from None
        self._task = ray.remote(num_cpus=1, max_retries=RETRIES)(run_detached)
        return self

    def run(self, jobs: list[Job]) -> Iterator[tuple[int, Files]]:
        import ray
        from ray.exceptions import RayTaskError

        refs = {self._task.remote(job.scenario, job.folder.name): i for i, job in enumerate(jobs)}
        pending = list(refs)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                try:
                    files = ray.get(ref)
                except RayTaskError as exc:
                    # the run's own error (a model that stopped answering, say), as locally
                    raise exc.cause if isinstance(exc.cause, UserError) else exc from None
                yield refs[ref], files

    def __exit__(self, *exc: object) -> None:
        import ray

        # Disconnecting ends this command's Ray job, and Ray then kills the workers still
        # running its tasks and drops the queued ones (on Ctrl-C or a run's error too), and
        # stops the cluster if it was started for the command. Not ray.cancel first: Ray
        # 2.60 aborts the whole driver when a cancel meets the reply of a task finishing at
        # that moment ("Tried to complete task that was not pending", task_manager.cc),
        # which a Ctrl-C just after a run lands, with its replicates finishing together, hits.
        ray.shutdown()
