"""Importing supplier products, one part per module; views, the API, the task and the command call these.

- `start`: parse what was asked, decide each item (invalid, duplicate, over the limit, queued); the preview
- `quota`: the plan's product limit (what is held, what is left, the plan that lifts it)
- `run`: the worker's loop: fetch queued items in batches (inventory.actions.sync.fetch reads the supplier)
- `create`: write a fetched batch under the merchant lock: products, variants, tags, item outcomes
- `status`: the job's lifecycle (claim, outcome, finish), progress events and the finished notice

Quota rule: a merchant's products plus the distinct PIDs still queued in its import jobs never exceed the
plan's product limit. Both the decision (when a job starts) and the creation (when a batch is written) run
under a lock on the merchant row, so concurrent jobs cannot pass the limit; a PID already in the catalog is
`duplicate`, and the unique constraint (merchant, supplier, external_id) settles any race the lock does not cover.
"""

from nexusone.suppliers.actions import get_supplier_account
from nexusone.suppliers.errors import SupplierNotConnected

from .quota import import_quota_left
from .run import run_import_job
from .start import MAX_ITEMS_PER_IMPORT, NOT_CONNECTED_MESSAGE, preview_import, start_import

__all__ = [
    "MAX_ITEMS_PER_IMPORT",
    "NOT_CONNECTED_MESSAGE",
    "SupplierNotConnected",
    "get_supplier_account",
    "import_quota_left",
    "preview_import",
    "run_import_job",
    "start_import",
]
