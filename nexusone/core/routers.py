from rest_framework.routers import SimpleRouter

# A UUID primary key in an API path: anything else (36 dashes, 36 hex digits) is a 404, never a query.
UUID_REGEX = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
UUID_PK = rf"(?P<pk>{UUID_REGEX})"


class OptionalSlashRouter(SimpleRouter):
    """Every route answers with and without a trailing slash (DESIGN.md §6)."""

    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = "/?"

    def get_lookup_regex(self, viewset, lookup_prefix: str = "") -> str:
        """Every NexusOne id is a UUID: a lookup that is not one is a 404 (DRF's default takes any text)."""
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        value = getattr(viewset, "lookup_value_regex", UUID_REGEX)
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{value})"
