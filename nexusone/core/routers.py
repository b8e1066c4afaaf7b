from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """Every route answers with and without a trailing slash (DESIGN.md §6)."""

    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = "/?"
