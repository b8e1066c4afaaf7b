from django import template

from nexusone.suppliers.actions import connection_status
from nexusone.suppliers.forms import ConnectCJForm

register = template.Library()


@register.simple_tag
def cj_connection(merchant):
    """The merchant's CJ connection status for the settings page."""
    return connection_status(merchant) if merchant is not None else None


@register.simple_tag
def cj_connect_form():
    return ConnectCJForm()
