"""A local Slack for the tests: an HTTP server on 127.0.0.1 speaking the Web API's chat.postMessage.

dagster-slack's client is pointed at it with NBA_FEATURES_SLACK_API_URL, so the whole path (environment,
SlackResource, slack_sdk WebClient, HTTP) runs for real; every request is kept in `requests`.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSlack(ThreadingHTTPServer):
    """Records every request; answers chat.postMessage with `reply`."""

    def __init__(self):
        self.requests: list[dict] = []
        self.reply = {"ok": True, "channel": "C123", "ts": "1770390000.000100"}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body or b"{}")})
                payload = json.dumps(server.reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/"


@contextlib.contextmanager
def fake_slack(monkeypatch, **settings: str) -> Iterator[FakeSlack]:
    """A running FakeSlack, the project's Slack client pointed at it (plus any other settings given)."""
    server = FakeSlack()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("NBA_FEATURES_SLACK_API_URL", server.url)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
