import uuid

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from accounts.forms import RegistrationForm, SignInForm
from accounts.services import ConfirmationLinkError, email_confirmation_resend, user_confirm_email, user_register
from outbox.services import email_enqueue


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = user_register(
            email=form.cleaned_data["email"], password=form.cleaned_data["password"], synthetic_cohort=request.synthetic_cohort
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, f"Account created. We have sent a link to {user.email}: use it to confirm your email address."
        )
        return redirect("applications:list")
    return render(request, "accounts/register.html", {"form": form})


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = user_confirm_email(token=token)
    except ConfirmationLinkError as error:
        return render(request, "accounts/confirm_email_failed.html", {"expired": error.expired}, status=400)
    messages.success(request, f"Email address {user.email} confirmed.")
    return redirect("home")


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

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None):
        # Through the outbox like every other email: the request never talks to a mail server.
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        email_enqueue(key=f"password-reset:{context['user'].pk}:{uuid.uuid4()}", to=to_email, subject=subject, body=body)


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


class PasswordResetView(auth_views.PasswordResetView):
    @property
    def extra_email_context(self):
        # The service's own address, not whatever Host header the request came with.
        return {"service_url": settings.SERVICE_URL}


password_reset = PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    form_class=EmailPasswordResetForm,
    email_template_name="accounts/emails/password_reset.txt",
    subject_template_name="accounts/emails/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password-reset-sent"),
)
password_reset_sent = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    form_class=NewPasswordForm,
    success_url=reverse_lazy("accounts:password-reset-complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
