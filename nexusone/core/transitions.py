"""A status field's table of allowed moves, and the one check every status change goes through.

Each model with a lifecycle (sync runs, import jobs, held changes) keeps its table in its app's
`choices.py`; actions ask the table before they set a status, and conditional UPDATEs (claiming a
queued row, expiring stale ones) filter on `sources(target)`, so a move the table forbids is never
written. An illegal move raises `InvalidTransition`, which the API answers with 409.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .exceptions import InvalidTransition


@dataclass(frozen=True)
class Transitions:
    """`moves[status]` is the set of statuses a row in `status` may move to."""

    noun: str  # what the row is called in an error: "sync run", "import job"
    moves: Mapping[str, frozenset[str]]

    def allows(self, current: str, target: str) -> bool:
        return target in self.moves.get(current, frozenset())

    def check(self, current: str, target: str, *, message: str = "") -> None:
        """Refuse a move the table does not allow; `message` says it in the caller's words."""
        if not self.allows(current, target):
            raise InvalidTransition(message or f"This {self.noun} is {current}; it cannot become {target}.")

    def sources(self, target: str) -> frozenset[str]:
        """The statuses a row may move to `target` from (the filter of a conditional UPDATE)."""
        return frozenset(status for status, targets in self.moves.items() if target in targets)
