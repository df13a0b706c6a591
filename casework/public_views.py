"""The public page where an employer or landlord checks a status with a share code."""

import base64

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from applications.forms import DateField
from casework.share_codes import RateLimited, share_code_check, status_answer
from config.middleware import client_ip


class StatusCheckForm(forms.Form):
    code = forms.CharField(
        label="Share code",
        help_text="9 characters, like W7K 3MF 9QX. The person whose status you are checking gives it to you.",
        max_length=20,
        error_messages={"required": "Enter the share code"},
    )
    date_of_birth = DateField(
        label="Their date of birth",
        name="Date of birth",
        rule="past",
        help_text="For example, 27 3 1990",
        error_messages={"required": "Enter their date of birth"},
    )
    organisation = forms.CharField(
        label="Your organisation (optional)",
        help_text="The person will see who checked their status.",
        max_length=200,
        required=False,
    )


def status_check(request: HttpRequest) -> HttpResponse:
    form = StatusCheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = share_code_check(
                code=form.cleaned_data["code"],
                date_of_birth=form.cleaned_data["date_of_birth"],
                organisation=form.cleaned_data["organisation"],
                address=client_ip(request),
            )
        except RateLimited:
            minutes = settings.SHARE_CODE_CHECK_WINDOW // 60
            return render(request, "casework/status_check_limited.html", {"minutes": minutes}, status=429)
        if result.status:
            answer = status_answer(share_code=result.share_code)
            context = {
                "answer": answer,
                "photo": base64.b64encode(answer.photo).decode() if answer.photo else "",
                "ended": answer.valid_until is not None and answer.valid_until < timezone.localdate(),
            }
            return render(request, "casework/status_check_result.html", context)
        # One message whatever was wrong, so that codes and dates of birth cannot be probed.
        form.add_error(None, "We could not find a status with this share code and date of birth. Check them, or ask the person for a new code.")
    return render(request, "casework/status_check.html", {"form": form}, status=400 if form.errors else 200)
