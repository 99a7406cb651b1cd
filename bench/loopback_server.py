"""A minimal OpenAI-compatible chat endpoint on asyncio, for throughput benchmarks.

It answers every POST after a fixed latency with the same valid opinion answer. The test
server (tests/fake_openai.py) injects faults and keeps a thread per connection, which costs
more CPU per request than the client under test; measuring a client needs a server that
costs little, so this one parses only what it must.
"""

from __future__ import annotations

import asyncio
import json


def _answer(content: dict) -> bytes:
    return json.dumps(
        {
            "id": "bench",
            "object": "chat.completion",
            "created": 0,
            "model": "bench",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": json.dumps(content)},
                }
            ],
            "usage": {"prompt_tokens": 300, "completion_tokens": 20, "total_tokens": 320},
        }
    ).encode()


def _response(answer: bytes) -> bytes:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
    return head + str(len(answer)).encode() + b"\r\n\r\n" + answer


ANSWER = _answer(
    {
        "belief": 0,
        "confidence": 0.7,
        "post": "I am not convinced by this story at all.",
        "reasoning": "Nobody has shown any proof of it.",
    }
)
RESPONSE = _response(ANSWER)
# by the request kind its response format names (agents.llm.openai_backend)
RESPONSES = {
    b'"summarise"': _response(_answer({"summary": "I saw a few posts about the story today."})),
    b'"reflect"': _response(_answer({"memory": "Nothing about the story is settled for me yet."})),
}


def _reply(body: bytes) -> bytes:
    # the schema's name closes the body (response_format comes last); prompts may mention
    # the words, so look only there
    tail = body[-4000:] if b"response_format" in body else b""
    tail = tail[tail.rfind(b"response_format") :]
    for marker, response in RESPONSES.items():
        if marker in tail:
            return response
    return RESPONSE


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, latency: float):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            body = await reader.readexactly(length) if length else b""
            await asyncio.sleep(latency)
            writer.write(_reply(body))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


async def _serve(latency: float, port_out) -> None:
    server = await asyncio.start_server(
        lambda r, w: _handle(r, w, latency), "127.0.0.1", 0, backlog=1024
    )
    port_out.put(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1")
    async with server:
        await server.serve_forever()


def serve(latency: float, port_out) -> None:
    """Serve until killed; put the base URL on ``port_out`` once listening."""
    asyncio.run(_serve(latency, port_out))
