"""OpenAPI: the error responses every operation can give, in the error shape, and Bearer JWT auth.

drf-standardized-errors documents 400, 404, 405, 406, 415, 429 and 500 from each view's setup; this
adds 413 (any request body may be too large) and 409 (writes may conflict), and documents 400, 401 and
403 with any error code and field (ours name the reason: `token_expired`, `plan_required`, ...; a list
item's field is `items.0.quantity`), which the package's per-field enums cannot foresee.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ValidationErrorEnum
from rest_framework import serializers

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ClientError(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ClientErrorResponse(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = ClientError(many=True)


class BadRequestResponse(serializers.Serializer):
    """400: `validation_error` naming each field in `attr` (nested as `items.0.quantity`), or a
    `client_error` for a body that could not be read. Codes and fields vary with the input."""

    type = serializers.ChoiceField(choices=[*ValidationErrorEnum.choices, *ClientErrorEnum.choices])
    errors = ClientError(many=True)


class AutoSchema(StandardizedErrorsAutoSchema):
    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code in {"409", "413"} and self.method not in WRITE_METHODS:
            return False
        if status_code in getattr(self.view, "documented_error_codes", ()) and status_code not in responses:
            return True  # e.g. 401 from the login endpoints, which take no credentials but check them
        return super()._should_add_error_response(responses, status_code)


class MembershipJWTScheme(OpenApiAuthenticationExtension):
    target_class = "nexusone.accounts.authentication.MembershipJWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token from POST /api/auth/token (15 minutes; renew at /api/auth/token/refresh).",
        }
