from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from accounts.models import User


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "This account has been closed.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})

    def clean_username(self) -> str:
        # Addresses are stored in lower case (see RegistrationForm.clean_email).
        return self.cleaned_data["username"].strip().lower()


class RegistrationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter your email address", "invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    password = forms.CharField(
        label="Create a password",
        help_text="At least 10 characters. Avoid common words and all-number passwords.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )

    def clean_email(self) -> str:
        # Whether the address has an account is never said here (accounts.services.user_register).
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def clean(self):
        cleaned = super().clean()
        if "email" in cleaned and "password" in cleaned:
            try:
                password_validation.validate_password(cleaned["password"], User(email=cleaned["email"]))
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned
