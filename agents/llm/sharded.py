"""Spreading a batch over several client processes (``llm.client_processes``).

The openai client costs 1 to 2 ms of CPU per request (bench/bench_pipeline.py), so one process
tops out at several hundred requests per second whatever the server could take. Here each
worker process runs its own ``OpenAIModel`` on a persistent event loop; a batch is dealt out
round-robin, the workers answer their shares concurrently, and the answers come back in request
order. Concurrency and rate limits are divided between the workers. The API key travels to the
workers through a pipe, never through a file.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
from collections.abc import Sequence
from multiprocessing.connection import Connection

from agents.llm.base import LLMRequest, LLMResponse


def _worker(conn: Connection, settings: dict) -> None:
    from agents.llm.openai_backend import OpenAIModel

    model = OpenAIModel(**settings)
    with asyncio.Runner() as runner:
        while True:
            requests = conn.recv()
            if requests is None:
                runner.run(model.aclose())
                conn.send(None)
                return
            conn.send(runner.run(model.complete(requests)))


def _receive(conn: Connection, count: int) -> list[LLMResponse]:
    """A worker's answers; if the worker died, an error answer for each of its requests
    (a failing client never stops the day)."""
    try:
        return conn.recv()
    except (EOFError, OSError):
        return [LLMResponse({}, "", error="a client process stopped") for _ in range(count)]


class ShardedModel:
    """Backend name ``openai``, answered by ``processes`` worker processes."""

    name = "openai"

    def __init__(self, processes: int, **settings):
        self.processes = processes
        share = dict(settings)
        share["concurrency"] = max(1, math.ceil(settings.get("concurrency", 32) / processes))
        for key in ("requests_per_minute", "tokens_per_minute"):
            if share.get(key):
                share[key] = max(1, share[key] // processes)
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        self._conns: list[Connection] = []
        self._workers = []
        for _ in range(processes):
            parent, child = context.Pipe()
            worker = context.Process(target=_worker, args=(child, share), daemon=True)
            worker.start()
            child.close()
            self._conns.append(parent)
            self._workers.append(worker)

    async def complete(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        """Deal the batch out, wait for every worker, reassemble in request order."""
        shards = [list(range(i, len(requests), self.processes)) for i in range(self.processes)]
        busy = [(conn, idx) for conn, idx in zip(self._conns, shards, strict=True) if idx]
        for conn, idx in busy:
            conn.send([requests[i] for i in idx])
        loop = asyncio.get_running_loop()
        answers = await asyncio.gather(
            *(loop.run_in_executor(None, _receive, conn, len(idx)) for conn, idx in busy)
        )
        out: list[LLMResponse | None] = [None] * len(requests)
        for (_, idx), shard in zip(busy, answers, strict=True):
            for i, answer in zip(idx, shard, strict=True):
                out[i] = answer
        return out  # type: ignore[return-value]

    async def aclose(self) -> None:
        """Stop the workers (each closes its connections first)."""
        for conn in self._conns:
            conn.send(None)
        for conn, worker in zip(self._conns, self._workers, strict=True):
            conn.recv()
            worker.join(timeout=10)
            conn.close()
