from django import forms

from .choices import DEFAULT_PERMISSIONS, DEFAULT_TTL_HOURS, MAX_TTL_HOURS, MIN_TTL_HOURS, ExtensionPermission


class GenerateTokenForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, required=False, initial="Chrome on my laptop")
    permissions = forms.MultipleChoiceField(
        label="Permissions",
        choices=ExtensionPermission.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(DEFAULT_PERMISSIONS),
    )
    ttl_hours = forms.IntegerField(
        label="Valid for (hours)",
        min_value=MIN_TTL_HOURS,
        max_value=MAX_TTL_HOURS,
        initial=DEFAULT_TTL_HOURS,
        help_text=f"{MIN_TTL_HOURS} to {MAX_TTL_HOURS} hours; one week by default.",
    )
