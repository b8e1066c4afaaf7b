"""System checks for tenant tables."""

from __future__ import annotations

from django.apps import apps
from django.core import checks


def _leading_merchant(model) -> bool:
    """Whether an index or unique constraint over every row (not a partial one) starts with the merchant column."""
    meta = model._meta
    candidates = [tuple(index.fields) for index in meta.indexes if index.condition is None]
    candidates += [
        tuple(c.fields)
        for c in meta.constraints
        if getattr(c, "fields", None) and getattr(c, "condition", None) is None
    ]
    candidates += [tuple(fields) for fields in meta.unique_together]
    if meta.get_field("merchant").unique:
        return True
    return any(fields and fields[0].lstrip("-") in ("merchant", "merchant_id") for fields in candidates)


@checks.register(checks.Tags.models)
def tenant_tables_indexed_by_merchant(app_configs=None, models=None, **kwargs) -> list[checks.CheckMessage]:
    """MerchantOwned drops the plain merchant index: every tenant table must lead an index with merchant."""
    from .tenancy import MerchantOwned

    errors = []
    for model in models if models is not None else apps.get_models():
        if issubclass(model, MerchantOwned) and not model._meta.proxy and not _leading_merchant(model):
            errors.append(
                checks.Error(
                    f"{model._meta.label} has no index or unique constraint starting with 'merchant'.",
                    hint="Tenant queries filter by merchant first: add e.g. models.Index(fields=['merchant', ...]).",
                    obj=model,
                    id="nexusone.E001",
                )
            )
    return errors
