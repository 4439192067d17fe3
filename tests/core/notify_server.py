"""A real HTTP server on 127.0.0.1 (random port) that plays the SMS gateway and the 企业微信 and
钉钉 robot endpoints for the tests and the bench: it records every request and answers as told
— ok, 500, a timeout (answers late), or 429 past a rate limit."""

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    path: str
    query: dict
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Behaviour:
    mode: str = "ok"             # ok | error | timeout
    delay: float = 0.0           # seconds before a timeout answer
    per_second: float = 0.0      # > 0: answer 429 past this many requests a second
    requests: list = field(default_factory=list)
    served: list = field(default_factory=list)  # times of requests answered ok


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # quiet test output
        pass

    def do_POST(self):
        server: FakeProviders = self.server  # type: ignore[assignment]
        parsed = urllib.parse.urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        seen = Seen(parsed.path, urllib.parse.parse_qs(parsed.query), dict(self.headers), body)
        behaviour = server.behaviour
        with server.lock:
            behaviour.requests.append(seen)
            if behaviour.per_second:
                now = time.monotonic()
                recent = [t for t in behaviour.served if now - t < 1.0]
                if len(recent) >= behaviour.per_second:
                    self._answer(429, {"code": "RATE_LIMITED"}, {"Retry-After": "1"})
                    return
                behaviour.served.append(now)
        if behaviour.mode == "error":
            self._answer(500, {"code": "ERROR", "message": "gateway down"})
            return
        if behaviour.mode == "timeout":
            time.sleep(behaviour.delay)
        if parsed.path.startswith("/sms"):
            self._answer(200, {"code": "OK", "message_id": f"sms-{len(behaviour.requests)}"})
        else:
            self._answer(200, {"errcode": 0, "errmsg": "ok"})

    def _answer(self, status: int, payload: dict, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)


class FakeProviders(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.behaviour = Behaviour()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def requests(self) -> list[Seen]:
        return self.behaviour.requests

    def __enter__(self) -> "FakeProviders":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
