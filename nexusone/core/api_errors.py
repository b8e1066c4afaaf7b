"""The API's exception handler: Django's own request errors answer 4xx in the standard error shape.

drf-standardized-errors turns every exception it does not know into a 500; the ones below are the
client's doing (an oversized body, an unreadable one, a value the model rejects) and say so.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions

from .api import api_validation_error
from .exceptions import PayloadTooLarge


def client_error_for(exc: Exception) -> exceptions.APIException | None:
    """The API error a Django request exception stands for, or None when it is not the client's doing."""
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError("The request could not be read.")
    if isinstance(exc, DjangoValidationError):
        return api_validation_error(exc)
    return None


class NexusExceptionHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        return client_error_for(exc) or super().convert_known_exceptions(exc)
