"""Serve the sandbox on its own port: `manage.py cj_sandbox --port N`, or in a thread for tests."""

from __future__ import annotations

import threading
from typing import Any

from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test.utils import override_settings

URLCONF = "nexusone.suppliers.cj.sandbox.standalone_urls"


class SandboxHandler(WSGIHandler):
    """Django's WSGI handler with the sandbox's URLconf and none of the app's middleware (sessions,
    tenancy, HTTPS redirects): on this port only the sandbox answers, as a separate server would."""

    def load_middleware(self, is_async: bool = False) -> None:
        with override_settings(MIDDLEWARE=[]):
            super().load_middleware(is_async)

    def get_response(self, request: WSGIRequest) -> Any:
        request.urlconf = URLCONF
        return super().get_response(request)


class QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class SandboxServer:
    """A threaded HTTP server running the sandbox; `port=0` picks a free port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True) -> None:
        handler_class = QuietRequestHandler if quiet else WSGIRequestHandler
        self.httpd = ThreadedWSGIServer((host, port), handler_class, allow_reuse_address=True)
        self.httpd.daemon_threads = True
        self.httpd.set_app(SandboxHandler())
        self.host, self.port = self.httpd.server_address[:2]
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base_url(self) -> str:
        return f"{self.url}/api2.0/v1"

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def start(self) -> SandboxServer:
        self.thread = threading.Thread(target=self.serve_forever, name="cj-sandbox", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)
