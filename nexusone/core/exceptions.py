"""Named errors the API turns into the standard error shape."""

from rest_framework import status
from rest_framework.exceptions import APIException


class PlanRequired(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "plan_required"
    default_detail = "Your plan does not include this feature."


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state."


class InvalidTransition(Conflict):
    default_code = "invalid_transition"
    default_detail = "That status change is not allowed."


class NoMerchant(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "no_merchant"
    default_detail = "This account is not a member of any merchant."


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is too large. Send less data per request."
