"""A loopback OpenAI-compatible server for tests, with fault injection.

Answers /v1/chat/completions deterministically from the request's first two messages (the
original prompt, so a repair request gets the same answer) and can fault a chosen share of
logical requests once each: 429 with Retry-After, 500, 503, a reply slower than the client's
timeout, malformed JSON, truncated JSON, or no choices.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = ("429", "500", "503", "slow", "malformed", "truncated", "empty_choices")
CONTENT_FAULTS = ("malformed", "truncated", "empty_choices")


def answer_for(kind: str, digest: int) -> dict:
    """The deterministic answer of a request whose prompt hashes to ``digest``."""
    if kind == "summarise":
        return {"summary": f"People argued about it ({digest % 97})."}
    if kind == "reflect":
        return {"memory": f"I keep thinking about the story ({digest % 89})."}
    return {
        "belief": digest % 2,
        "confidence": round((digest % 100) / 100, 2),
        "post": f"My take number {digest % 1000}.",
        "reasoning": "It seems so to me.",
    }


class FakeOpenAI:
    """Run with ``with FakeOpenAI(fault_share=0.3) as server: server.base_url``;
    ``always_status=500`` makes a server on which every request fails."""

    def __init__(
        self,
        fault_share: float = 0.0,
        slow_seconds: float = 1.5,
        latency: float = 0.0,
        reject_json_schema: bool = False,
        always_status: int | None = None,
        models: tuple[str, ...] = ("fake-model",),
        unknown_model_status: int | None = None,
        required_key: str | None = None,
    ):
        self.always_status = always_status  # answer every request with this HTTP error
        self.models = models  # what GET /models lists
        self.unknown_model_status = unknown_model_status  # e.g. 404 for a model not listed
        self.required_key = required_key  # refuse other keys with 401, as a provider does
        self.fail_after: int | None = None  # from this many chat requests on, answer 500
        self.reject_json_schema = reject_json_schema  # as llama.cpp's server does, with a 500
        self.fault_share = fault_share
        self.latency = latency
        self.slow_seconds = slow_seconds
        self.requests = 0
        self.arrivals: list[float] = []  # time.monotonic() of every HTTP request
        self.injected: Counter[str] = Counter()
        self.authorizations: set[str] = set()
        self._faulted: set[str] = set()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if not server._authorised(self):
                    return
                server._handle(self, body)

            def do_GET(self):
                if not server._authorised(self):
                    return
                if self.path.rstrip("/").endswith("/models"):
                    data = [{"id": m, "object": "model", "owned_by": "test"} for m in server.models]
                    server._send(self, 200, {"object": "list", "data": data})
                else:
                    server._send(self, 404, {"error": {"message": f"no route {self.path}"}})

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # many clients connect at once
            daemon_threads = True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _fault(self, identity: str, digest: int) -> str | None:
        if (digest % 1000) >= self.fault_share * 1000:
            return None
        with self._lock:
            if identity in self._faulted:
                return None  # every logical request is faulted at most once
            self._faulted.add(identity)
            fault = FAULTS[(digest // 1000) % len(FAULTS)]
            self.injected[fault] += 1
            return fault

    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        """Whether the request carries the required key (a 401 went back if not)."""
        if self.required_key is None:
            return True
        if handler.headers.get("Authorization", "") == f"Bearer {self.required_key}":
            return True
        given = handler.headers.get("Authorization", "").removeprefix("Bearer ")
        # as OpenAI does: the message shows part of the key it refused
        message = f"Incorrect API key provided: {given[:3]}***{given[-4:]}"
        self._send(handler, 401, {"error": {"message": message, "code": "invalid_api_key"}})
        return False

    def _handle(self, handler: BaseHTTPRequestHandler, body: dict) -> None:
        with self._lock:
            self.requests += 1
            self.arrivals.append(time.monotonic())
            self.authorizations.add(handler.headers.get("Authorization", ""))
            failing = self.fail_after is not None and self.requests > self.fail_after
        if failing:
            self._send(handler, 500, {"error": {"message": "the server is down"}})
            return
        if self.unknown_model_status and body.get("model") not in self.models:
            message = {"error": {"message": f"The model `{body.get('model')}` does not exist"}}
            self._send(handler, self.unknown_model_status, message)
            return
        messages = body["messages"]
        identity = json.dumps(messages[:2], sort_keys=True)
        digest = int(hashlib.sha256(identity.encode()).hexdigest()[:12], 16)
        if self.always_status is not None:
            message = {"error": {"message": f"always {self.always_status}"}}
            self._send(handler, self.always_status, message)
            return
        fmt = body.get("response_format") or {}
        if self.reject_json_schema and fmt.get("type") == "json_schema":
            self._send(
                handler,
                500,
                {"error": {"message": "response_format: Input should be 'text' or 'json_object'"}},
            )
            return
        schema = fmt.get("json_schema", {}).get("schema") or fmt.get("schema") or {}
        fields = set(schema.get("properties", {}))
        kind = (
            "summarise" if "summary" in fields else "reflect" if "memory" in fields else "opinion"
        )
        fault = self._fault(identity, digest) if len(messages) == 2 else None
        if fault in ("429", "500", "503"):
            headers = {"Retry-After": "0"} if fault == "429" else {}
            self._send(handler, int(fault), {"error": {"message": f"injected {fault}"}}, headers)
            return
        if fault == "slow":
            time.sleep(self.slow_seconds)
        elif self.latency:
            time.sleep(self.latency)
        content = json.dumps(answer_for(kind, digest))
        if fault == "malformed":
            content = "Sure! Here is what I think: belief is maybe?"
        elif fault == "truncated":
            content = content[:5]
        choices = (
            []
            if fault == "empty_choices"
            else [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content},
                }
            ]
        )
        reply = {
            "id": f"fake-{digest}",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", "fake"),
            "choices": choices,
            "usage": {
                "prompt_tokens": 100 + digest % 50,
                "completion_tokens": 20,
                "total_tokens": 120 + digest % 50,
            },
        }
        self._send(handler, 200, reply)

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler,
        status: int,
        body: dict,
        headers: dict[str, str] | None = None,
    ) -> None:
        payload = json.dumps(body).encode()
        try:
            handler.send_response(status)
            for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass
