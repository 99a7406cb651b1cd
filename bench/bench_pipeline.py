"""Pipeline efficiency of the openai backend against a loopback server with fixed latency.

The server (bench/loopback_server.py: asyncio, in its own process) answers every request
after a fixed latency. Two clients send the same number of opinion requests at the same concurrency:
  bare:   AsyncOpenAI + semaphore + gather, nothing else: the engine's request bodies, made
          beforehand, sent as the backend sends them (aiohttp transport, client.post), and
          the replies' JSON read (the ceiling of the openai client);
  engine: OpenAIModel behind Accounting (prompt rendering, JSON-schema output, parsing);
  engine xN: the same with the batch spread over N client processes (llm.client_processes).
Efficiency is requests/s divided by the ideal concurrency / latency. Before the runs it prints
the engine's own CPU per request without the network: rendering the prompt and the body,
reading the reply and parsing the answer, and the accounting.

    python bench/bench_pipeline.py [--requests 2000] [--concurrency 64] [--latency 0.1]
                                   [--processes 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx2  # noqa: E402
import openai  # noqa: E402

from agents.llm import Accounting  # noqa: E402
from agents.llm.base import LLMRequest, LLMResponse, RequestContext, Sampling, Usage  # noqa: E402
from agents.llm.openai_backend import OpenAIModel, _content  # noqa: E402
from agents.llm.parsing import parse_answer  # noqa: E402
from agents.llm.sharded import ShardedModel  # noqa: E402
from agents.news import NewsItem  # noqa: E402
from agents.persona import generate_personas  # noqa: E402
from bench.loopback_server import ANSWER, serve  # noqa: E402


def requests(n: int) -> list[LLMRequest]:
    news = NewsItem("political", "the senator owns shares", "Leaks say the senator owns shares.")
    personas = generate_personas(n, 0)
    return [
        LLMRequest(
            "opinion", RequestContext(i, 1, p, news, 0, 1.0, "I doubt it."), Sampling(1.0, 128)
        )
        for i, p in enumerate(personas)
    ]


async def bare(url: str, reqs: list[LLMRequest], concurrency: int) -> float:
    client = openai.AsyncOpenAI(
        api_key="x",
        base_url=url,
        max_retries=0,
        timeout=60,
        http_client=openai.DefaultAioHttpClient(),
    )
    semaphore = asyncio.Semaphore(concurrency)
    # The same bodies the engine sends, made beforehand: the bare loop only sends and reads.
    bodies = [
        {
            "model": "m",
            "messages": r.messages(),
            "temperature": r.sampling.temperature,
            "max_tokens": r.sampling.max_tokens,
            "seed": 1,
            "response_format": OpenAIModel._response_format(r, True),
        }
        for r in reqs
    ]

    async def one(body):
        async with semaphore:
            reply = await client.post("/chat/completions", cast_to=httpx2.Response, body=body)
            reply.json()

    start = time.perf_counter()
    await asyncio.gather(*(one(b) for b in bodies))
    elapsed = time.perf_counter() - start
    await client.close()
    return elapsed


async def engine(url: str, reqs: list[LLMRequest], concurrency: int, processes: int = 1) -> float:
    settings = {
        "seed": 1,
        "model": "m",
        "api_key": "x",
        "base_urls": [url],
        "concurrency": concurrency,
        "max_retries": 0,
    }
    inner = ShardedModel(processes, **settings) if processes > 1 else OpenAIModel(**settings)
    backend = Accounting(inner)
    await backend.complete(reqs[: processes * 4])  # start the workers and their connections
    start = time.perf_counter()
    answers = await backend.complete(reqs)
    elapsed = time.perf_counter() - start
    assert all(a.ok for a in answers)
    await backend.aclose()
    return elapsed


def engine_work(reqs: list[LLMRequest]) -> float:
    """Seconds of the engine's own CPU per request, the HTTP exchange left out."""
    reply = ANSWER.decode()
    start = time.process_time()
    answers, bodies = [], []
    for r in reqs:
        bodies.append(  # what OpenAIModel._ask sends
            {
                "messages": r.messages(),
                "max_tokens": r.sampling.max_tokens,
                "response_format": OpenAIModel._response_format(r, True),
            }
        )
        text = _content(json.loads(reply)["choices"])
        answers.append(LLMResponse(parse_answer(r.kind, text), text, Usage(300, 20)))
    asyncio.run(Accounting(_Replay(answers)).complete(reqs))
    return (time.process_time() - start) / len(reqs)


class _Replay:
    """Stands in for the backend inside Accounting: returns answers made beforehand."""

    name = "replay"

    def __init__(self, answers: list[LLMResponse]):
        self.answers = answers

    async def complete(self, requests: list[LLMRequest]) -> list[LLMResponse]:
        return self.answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument(
        "--processes", type=int, default=2, help="client processes for the sharded engine runs"
    )
    args = parser.parse_args()
    ready = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.latency, ready), daemon=True)
    server.start()
    url = ready.get(timeout=30)
    ideal = args.concurrency / args.latency
    reqs = requests(args.requests)
    own = engine_work(reqs)
    print(f"engine's own work without the network: {own * 1000:.3f} ms CPU per request")
    print(
        f"{args.requests} requests, concurrency {args.concurrency}, latency "
        f"{args.latency * 1000:.0f} ms, ideal {ideal:.0f} req/s"
    )
    runs = [("bare", bare, 1), ("engine", engine, 1)] * 2
    runs += (
        [(f"engine x{args.processes}", engine, args.processes)] * 2 if args.processes > 1 else []
    )
    for name, fn, processes in runs:
        cpu = time.process_time()
        extra = (processes,) if fn is engine else ()
        elapsed = asyncio.run(fn(url, reqs, args.concurrency, *extra))
        cpu = time.process_time() - cpu
        rate = args.requests / elapsed
        print(
            f"{name:>10}: {rate:7.1f} req/s  efficiency {rate / ideal:.2f}  "
            f"client CPU {cpu / args.requests * 1000:.2f} ms/request (this process)"
        )
    server.kill()
    os._exit(0)


if __name__ == "__main__":
    main()
