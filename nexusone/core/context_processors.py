from django.http import HttpRequest


def merchant(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    return {
        "merchant": getattr(request, "merchant", None),
        "membership": membership,
        "can_write": bool(membership and membership.can_write),
        "is_owner": bool(membership and membership.is_owner),
    }
