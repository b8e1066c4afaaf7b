"""Encrypted model fields on cryptography's MultiFernet.

The first key in FIELD_ENCRYPTION_KEYS encrypts, every key decrypts, so a new
key can be put first and `manage.py rotate_encryption_keys` re-encrypts rows.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

MASK = "••••"


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def get_fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return get_fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return get_fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Cannot decrypt a stored secret: no configured key matches.") from exc


def rotate(token: str) -> str:
    return get_fernet().rotate(token.encode()).decode()


def mask(value: str | None, visible: int = 4) -> str:
    if not value:
        return ""
    return MASK + value[-visible:] if len(value) > visible * 2 else MASK


class EncryptedTextField(models.TextField):
    """Stores text encrypted at rest; reads give the cleartext back."""

    description = "Text encrypted with MultiFernet"

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)
