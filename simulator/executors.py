"""Where the runs of a multi-run command (replicates, compare, sweep, search) execute.

A run is a ``Job``: a scenario and the folder it belongs in. Wherever it executes, it runs
*detached*: in a scratch folder of the process that runs it, and its files come back to the
driver as data; the driver then *lands* them (writes the folder under a hidden name and
renames it into place). So:

- nothing assumes the workers share a filesystem with the driver;
- a run folder is either complete or absent: an interrupted or crashed run leaves nothing
  half-written, a task that Ray runs again after its worker died lands once;
- the same jobs give the same files on either executor and for any number of workers, since
  every file a run writes depends only on its scenario (seed included) and its folder's name.

Two executors with one interface: ``local`` (processes on this machine, the default) and
``ray`` (tasks on a Ray cluster; the ``ray`` extra). ``run_jobs`` drives either one: it skips
the jobs whose folders are already there (resume), lands the rest as they finish, counts them
on a progress bar, and on Ctrl-C stops launching at once, stops what runs within seconds, and
names the folder to resume.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Protocol

from tqdm import tqdm

from simulator.errors import Interrupted, UserError
from simulator.jobs import Files, Job, run_detached, stop_running_job
from simulator.outputs import write_atomic, write_manifest
from simulator.results import read_manifest, read_summary
from simulator.runner import INCOMPLETE, reproduce_command

ExecutorKind = Literal["local", "ray"]
EXECUTORS: tuple[str, ...] = ("local", "ray")


@dataclass(frozen=True)
class ExecutorSettings:
    """Which executor runs the jobs: ``workers`` processes (local; the CPUs a local Ray
    cluster is started with), or a Ray cluster at ``address`` (else ``RAY_ADDRESS``, else a
    local cluster started for the command and stopped after it)."""

    kind: ExecutorKind = "local"
    workers: int = 1
    address: str | None = None
    chosen: bool = False  # named on the command line (it then wins over a spec's executor:)

    def __post_init__(self) -> None:
        if self.kind not in EXECUTORS:
            raise UserError(f"--executor: {self.kind!r} (allowed: {', '.join(EXECUTORS)})")
        if self.workers < 1:
            raise UserError(f"--workers: {self.workers} (allowed: 1 or more)")

    def given(self, spec_kind: ExecutorKind) -> ExecutorSettings:
        """The settings with the spec's ``executor:`` where the command line named none."""
        return self if self.chosen else replace(self, kind=spec_kind)


class Executor(Protocol):
    def __enter__(self) -> Executor: ...
    def __exit__(self, *exc: object) -> None: ...
    def run(self, jobs: list[Job]) -> Iterator[tuple[int, Files]]:
        """Run ``jobs``; yield (position in ``jobs``, files) as each one finishes."""
        ...


def finished(folder: Path) -> bool:
    """Whether a run folder has landed (landing is atomic: if it is there, it is whole)."""
    return (folder / "summary.json").is_file()


def land(files: Files, folder: Path) -> None:
    """Write a detached run's files into ``folder`` all at once: under a hidden name first,
    renamed into place when complete (a leftover of an earlier crash is replaced)."""
    partial = folder.with_name(f".{folder.name}.partial")
    folder.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(partial, ignore_errors=True)
    for relative, content in files.items():
        path = partial / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    write_manifest(partial, "run", reproduce_command(folder))
    os.replace(partial, folder)


def spread_endpoints(jobs: list[Job]) -> list[Job]:
    """With several model endpoints (``llm.base_url`` as a list), job i talks to endpoint
    i mod n: the endpoints share the runs, and which run used which depends on the job list
    alone, not on which worker ran it. The response cache is keyed without the endpoint, so
    no request is paid for twice."""
    spread = []
    for i, job in enumerate(jobs):
        urls = job.scenario.llm.base_url
        if job.scenario.llm.backend == "openai" and isinstance(urls, list) and len(urls) > 1:
            llm = job.scenario.llm.model_copy(update={"base_url": [urls[i % len(urls)]]})
            job = Job(job.scenario.model_copy(update={"llm": llm}), job.folder)
        spread.append(job)
    return spread


def run_jobs(
    jobs: list[Job],
    settings: ExecutorSettings,
    desc: str,
    progress: bool,
    parent: Path,
    executor: Executor | None = None,
) -> list[dict]:
    """Run the jobs whose folders are not there yet; returns every job's summary, in job
    order. Ctrl-C raises ``Interrupted`` naming ``parent`` and how to resume it. A command
    that runs jobs in rounds (search) passes the ``executor`` it keeps open between them."""
    jobs = spread_endpoints(jobs)
    todo = [job for job in jobs if not finished(job.folder)]
    with tqdm(
        total=len(jobs),
        initial=len(jobs) - len(todo),
        desc=desc,
        unit="run",
        disable=not progress,
    ) as bar:
        try:
            if todo and executor is not None:
                _land_all(executor, todo, bar)
            elif todo:
                with make_executor(settings, len(todo)) as started:
                    _land_all(started, todo, bar)
        except KeyboardInterrupt:
            done = sum(finished(job.folder) for job in jobs)
            raise Interrupted(
                f"interrupted: {done} of {len(jobs)} runs finished and are kept in {parent}; "
                f"continue with: python run.py resume {parent}"
            ) from None
    return [read_summary(job.folder) for job in jobs]


def _land_all(executor: Executor, jobs: list[Job], bar: tqdm) -> None:
    for i, files in executor.run(jobs):
        with _interrupts_deferred():
            land(files, jobs[i].folder)
        bar.update()


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """A Ctrl-C that arrives inside is raised when the block ends: landing a finished run
    takes milliseconds, and cut in the middle it would leave a half-written hidden folder
    and lose a run that had finished."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def begin_batch(parent: Path, kind: str, command: str, jobs: list[Job]) -> None:
    """Say, before any run starts, what a multi-run folder will hold (its manifest lists
    every run) and that it is not finished yet, with the command that continues it."""
    write_manifest(parent, kind, command, [job.folder for job in jobs])
    write_atomic(
        parent / INCOMPLETE,
        f"This {kind} has not finished (or was interrupted). Continue it, running only the "
        f"runs that are missing, with:\n\n    python run.py resume {parent}\n",
    )


def end_batch(parent: Path) -> None:
    (parent / INCOMPLETE).unlink(missing_ok=True)


def batch_to_resume(folder: Path) -> str:
    """The kind of an unfinished multi-run folder; a one-line UserError for a finished one."""
    kind = read_manifest(folder).get("kind", "run")
    if kind != "run" and not (folder / INCOMPLETE).is_file():
        raise UserError(f"{folder}: this {kind} has already finished")
    return kind


def make_executor(settings: ExecutorSettings, jobs: int) -> Executor:
    if settings.kind == "ray":
        from simulator.ray_executor import RayExecutor

        return RayExecutor(settings.workers, settings.address)
    return LocalExecutor(max(1, min(settings.workers, jobs)))


def _worker_signals() -> None:
    # Ctrl-C reaches the whole process group; the driver alone decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Stopped by the driver: a running job unwinds first (its scratch folder is removed),
    # then the process exits at once, so it cannot take another queued job.
    signal.signal(signal.SIGTERM, stop_running_job)


@contextmanager
def _children_ignore_interrupts() -> Iterator[None]:
    """Processes started inside ignore Ctrl-C from their first instruction: an ignored signal
    stays ignored across exec, and Python then installs no KeyboardInterrupt handler. (The
    pool's initializer runs only after the worker has imported the simulation stack, a few
    seconds in which a Ctrl-C would kill it with a traceback.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class LocalExecutor:
    """Processes on this machine (spawned, not forked: forking a process that has threads,
    BLAS or tqdm, can deadlock)."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalExecutor:
        # Workers stopped mid-job leave the pool "broken", and the pool then never finalizes
        # its queues' semaphores; multiprocessing's resource tracker (a process started with
        # the pool, reading this environment) unlinks them itself at exit, but also prints a
        # "leaked semaphore" warning that would follow the one-line interrupt message.
        quiet = "ignore::UserWarning:multiprocessing.resource_tracker"
        if quiet not in os.environ.get("PYTHONWARNINGS", ""):
            os.environ["PYTHONWARNINGS"] = ",".join(
                w for w in (os.environ.get("PYTHONWARNINGS"), quiet) if w
            )
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_signals,
        )
        return self

    def run(self, jobs: list[Job]) -> Iterator[tuple[int, Files]]:
        assert self._pool is not None, "use LocalExecutor as a context manager"
        with _children_ignore_interrupts():  # the workers start during these submits
            futures: dict[Future, int] = {
                self._pool.submit(run_detached, job.scenario, job.folder.name): i
                for i, job in enumerate(jobs)
            }
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=futures.__getitem__):
                yield futures[future], future.result()

    def __exit__(self, exc_type, *exc: object) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if exc_type is None:
            pool.shutdown(wait=True)
            return
        # Interrupted or failed: launch nothing more and stop the runs now, not when they end.
        # The standard library has no public way to stop busy workers before Python 3.14
        # (ProcessPoolExecutor.terminate_workers), hence the fallback to its process table.
        terminate = getattr(pool, "terminate_workers", None)
        if terminate is not None:
            terminate()
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
