from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .choices import Role
from .models import Merchant


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True}))


class SignUpForm(forms.Form):
    store_name = forms.CharField(max_length=200, label="Store name")
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)


class MerchantForm(forms.Form):
    """The store settings; saved by actions.rename_merchant (not by the form: the action audits it)."""

    name = forms.CharField(max_length=Merchant._meta.get_field("name").max_length, label="Store name")


class MemberForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices)
