from django import forms


class ConnectCJForm(forms.Form):
    api_key = forms.CharField(
        label="CJ API key",
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "placeholder": "CJ1234567@api@…"}),
        help_text="From My CJ → Authorization → API. We check it by asking CJ for a token.",
    )
    sandbox_orders = forms.BooleanField(
        label="Place sandbox orders (CJ neither charges nor ships them)", required=False
    )
