from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .choices import Plan, Role
from .models import Merchant, available_timezones


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_timezones())]


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True}))


class SignUpForm(forms.Form):
    store_name = forms.CharField(max_length=200, label="Store name")
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)


class MerchantForm(forms.Form):
    """The store settings; saved by actions.rename_merchant and set_store_timezone (the actions audit them)."""

    name = forms.CharField(max_length=Merchant._meta.get_field("name").max_length, label="Store name")
    timezone = forms.ChoiceField(
        label="Time zone",
        help_text="Analytics days and periods follow it.",
        choices=timezone_choices,
        required=False,  # left out: unchanged
    )


class MemberForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices)


class PlanForm(forms.Form):
    plan = forms.ChoiceField(choices=Plan.choices)


class AcceptInvitationForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, min_length=8, required=False, label="Choose a password")


class EraseCustomerForm(forms.Form):
    email = forms.EmailField(label="Customer email")
