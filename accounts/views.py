from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from accounts.forms import RegistrationForm, SignInForm
from accounts.services import (
    ConfirmationLinkError,
    Throttled,
    email_confirmation_resend,
    password_reset_request,
    user_confirm_email,
    user_register,
)
from config.middleware import client_ip


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user_register(
                email=form.cleaned_data["email"], password=form.cleaned_data["password"],
                client=client_ip(request), synthetic_cohort=request.synthetic_cohort,
            )
        except Throttled:
            return render(request, "accounts/throttled.html", {"what": "create an account"}, status=429)
        request.session["registered_email"] = form.cleaned_data["email"]
        return redirect("accounts:register-sent")
    return render(request, "accounts/register.html", {"form": form})


def register_sent(request: HttpRequest) -> HttpResponse:
    """The same answer whether the address was new or already had an account."""
    return render(request, "accounts/register_sent.html", {"email": request.session.get("registered_email", "")})


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = user_confirm_email(token=token)
    except ConfirmationLinkError as error:
        return render(request, "accounts/confirm_email_failed.html", {"expired": error.expired}, status=400)
    messages.success(request, f"Email address {user.email} confirmed." + ("" if request.user.is_authenticated else " Sign in to continue."))
    return redirect("home" if request.user.is_authenticated else "accounts:sign-in")


@login_required
def confirm_email_resend(request: HttpRequest) -> HttpResponse:
    if request.user.email_confirmed_at:
        messages.success(request, "Your email address is already confirmed.")
        return redirect("home")
    if request.method == "POST":
        email_confirmation_resend(user=request.user)
        messages.success(request, f"We have sent a new link to {request.user.email}.")
        return redirect("home")
    return render(request, "accounts/confirm_email_resend.html")


@login_required
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Renews the session (every request does); the timeout warning's "stay signed in" calls it."""
    return HttpResponse(status=204)


class EmailPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Type the new password again"

    def save(self, commit=True):
        user = super().save(commit)
        # Whoever can reset the password by email owns the account: lift its lockout.
        axes_reset(username=user.email)
        return user


def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailPasswordResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_request(email=form.cleaned_data["email"], client=client_ip(request))
        except Throttled:
            return render(request, "accounts/throttled.html", {"what": "reset a password"}, status=429)
        return redirect("accounts:password-reset-sent")
    return render(request, "accounts/password_reset.html", {"form": form})


password_reset_sent = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    form_class=NewPasswordForm,
    success_url=reverse_lazy("accounts:password-reset-complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
