from django.core.management.base import BaseCommand

from nexusone.suppliers.cj.sandbox.server import SandboxServer
from nexusone.suppliers.cj.sandbox.state import STATE


class Command(BaseCommand):
    help = "Serve the CJ sandbox alone: CJ's API at /api2.0/v1/, its catalog at /, controls at /control/."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8010)
        parser.add_argument("--qps", type=float, default=0, help="enforce this QPS like CJ does (0: off)")
        parser.add_argument("--products", type=int, default=0, help="catalog size (default 240)")
        parser.add_argument("--webhook-url", default="", help="push every webhook topic to this URL")
        parser.add_argument("--verbose-requests", action="store_true", help="log each request")

    def handle(self, *args, **opts) -> None:
        if opts["products"]:
            STATE.product_count = opts["products"]
            STATE.reset()
        STATE.qps = opts["qps"]
        STATE.webhook_url_override = opts["webhook_url"]
        server = SandboxServer(opts["host"], opts["port"], quiet=not opts["verbose_requests"])
        self.stdout.write(
            self.style.SUCCESS(f"CJ sandbox on {server.url}  (CJ_API_BASE_URL={server.api_base_url})"),
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.httpd.server_close()
