"""A misbehaving OpenAI-compatible server on 127.0.0.1 (an ephemeral port), one fault per mode.

Modes (``FaultServer.mode``):

``malformed_json``  200, ``application/json``, a body cut off mid-object
``html``            200, ``text/html``, an nginx-style error page
``empty_choices``   200, a well-formed completion with ``"choices": []``
``http_500``        500 with a JSON error body
``http_429``        429 with ``Retry-After: 30`` and a JSON error body
``slow_drip``       200 headers, then one byte of a JSON body every ``drip_interval_s`` seconds
``flaky_429``       429 with ``Retry-After: 1`` for the first request, then a valid text reply

``requests`` counts the requests, ``request_times`` records when each arrived
(``time.monotonic()``) and ``first_request_at`` the first, so a test can bound the time from the
first model call to the end.
Run it in a thread (:meth:`FaultServer.start`) or as a process (``python tests/fault_server.py
MODE``, which prints its base URL and serves until killed).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("malformed_json", "html", "empty_choices", "http_500", "http_429", "slow_drip", "flaky_429")


def completion(text: str, model: str = "fake") -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12},
    }


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, mode: str, *, drip_interval_s: float = 3.0) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.mode = mode
        self.drip_interval_s = drip_interval_s
        self.requests = 0
        self.request_times: list[float] = []
        self.first_request_at: float | None = None
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def start(self) -> FaultServer:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class FaultHandler(BaseHTTPRequestHandler):
    server: FaultServer
    model = "fake"

    def log_message(self, format: str, *args: Any) -> None:
        del format, args

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.model = str(json.loads(self.rfile.read(length) or b"{}").get("model", "fake"))
        server = self.server
        server.requests += 1
        server.request_times.append(time.monotonic())
        if server.first_request_at is None:
            server.first_request_at = server.request_times[0]
        getattr(self, f"_{server.mode}")()

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _malformed_json(self) -> None:
        self._send(200, b'{"id": "chatcmpl-x", "choices": [{"index": 0, "message": {"role": "ass')

    def _html(self) -> None:
        self._send(200, b"<html><head><title>502 Bad Gateway</title></head><body><center>"
                        b"<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
                   content_type="text/html")

    def _empty_choices(self) -> None:
        body = completion("", self.model)
        body["choices"] = []
        self._send(200, json.dumps(body).encode())

    def _http_500(self) -> None:
        self._send(500, json.dumps({"error": {"message": "internal failure", "type": "server"}}).encode())

    def _http_429(self) -> None:
        self._send(429, json.dumps({"error": {"message": "rate limited", "type": "rate_limit"}}).encode(),
                   headers={"Retry-After": "30"})

    def _flaky_429(self) -> None:
        if self.server.requests == 1:
            self._send(429, b'{"error": {"message": "slow down"}}', headers={"Retry-After": "1"})
        else:
            self._send(200, json.dumps(completion("Hello from the model.", self.model)).encode())

    def _slow_drip(self) -> None:
        body = json.dumps(completion("too late", self.model)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        for byte in body:
            if self.server.stopping.wait(self.server.drip_interval_s):
                return
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:  # the client gave up: that is the point
                return


if __name__ == "__main__":
    fault = FaultServer(sys.argv[1])
    print(fault.base_url, flush=True)
    fault.serve_forever()
