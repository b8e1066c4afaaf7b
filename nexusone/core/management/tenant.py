"""Management commands that touch tenant rows declare how: for the `--merchant` given, else in an audited
bypass with the command's `bypass_reason` (row-level security, nexusone.core.tenancy)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from nexusone.core import tenancy


class TenantCommand(BaseCommand):
    bypass_reason = ""  # why the command may work across stores (required)

    def execute(self, *args: Any, **options: Any) -> Any:
        merchant_id = options.get("merchant")
        if merchant_id:  # (an id that is no UUID acts for nobody; the command reports it)
            with tenancy.merchant_id_context(merchant_id):
                return super().execute(*args, **options)
        if not self.bypass_reason:
            raise NotImplementedError(f"{type(self).__module__} must say why it works across stores.")
        name = type(self).__module__.rsplit(".", 1)[-1]
        with tenancy.bypass(f"manage.py {name}: {self.bypass_reason}", audit=True):
            return super().execute(*args, **options)
