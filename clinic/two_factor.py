"""Two-factor sign-in for staff (django-otp): enrol an authenticator app, then enter its code
(or a single-use backup code) after the password.

A user enrols only while they have no confirmed device; replacing or removing one is a Clinic
admin's act (the "Reset two-factor sign-in" action on the staff accounts admin), so a stolen
password alone can never swap the second factor.
"""

import logging
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.security import two_factor_required

logger = logging.getLogger("contour.security")

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _verified(request: HttpRequest, device) -> None:
    # A new session key for the more trusted session (as a login does).
    request.session.cycle_key()
    otp_login(request, device)


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app or a backup code."""
    user = request.user
    if user.is_verified() or not two_factor_required(user):
        return redirect(_next_url(request))
    if not user_has_device(user):
        return redirect(f"{reverse('two-factor-setup')}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            logger.info("2FA: %s verified with %s", user.get_username(), device.persistent_id)
            _verified(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    f"You signed in with a backup code; {left} left. "
                    "Ask a Clinic admin to reset your two-factor sign-in if your phone is lost.",
                )
            return redirect(_next_url(request))
        logger.warning("2FA: wrong code for %s", user.get_username())
        form.add_error(
            "code",
            "That code is not right, has expired or was already used. Wait a few seconds "
            "before the next try: each wrong code makes the wait longer.",
        )
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def _pending_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (the same one across reloads)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def qr_svg(url: str) -> str:
    """The enrolment QR code as inline SVG, drawn on the server (no image service)."""
    return segno.make(url, error="m").svg_inline(
        scale=5,
        border=4,
        light="#fff",
        title="QR code for your authenticator app",
        svgclass="qr-code",
        lineclass=None,
        omitsize=True,  # a viewBox instead: the CSS sizes it and it scales down on phones
    )


def _backup_codes(user) -> list[str]:
    """A fresh set of single-use backup codes (the old ones stop working)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.STAFF_2FA_BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the key), confirm with one code, keep the backup
    codes. Only while the user has no confirmed device."""
    user = request.user
    if not two_factor_required(user):
        return redirect(_next_url(request))
    if user_has_device(user):
        query = urlencode({"next": _next_url(request)})
        return redirect(f"{reverse('two-factor-verify')}?{query}")
    device = _pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(form.cleaned_data["code"]):
                locked.confirmed = True
                locked.save(update_fields=["confirmed"])
                codes = _backup_codes(user)
                logger.info("2FA: %s enrolled an authenticator", user.get_username())
                _verified(request, locked)
                return render(
                    request,
                    "registration/two_factor_backup_codes.html",
                    {"codes": codes, "next": _next_url(request)},
                )
        form.add_error("code", "That code is not right; check your phone's clock and try again.")
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": qr_svg(device.config_url),
        "secret": _base32(device),
    }
    return render(request, "registration/two_factor_setup.html", context)


def _base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
