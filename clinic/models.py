"""API tokens, for the clinic's website and other systems that call the JSON API.

A token acts as the staff user it belongs to (so it has exactly that user's role), never as a
superuser, and only as a user whose roles its issuer may grant. A read-only token may only
read. Only a SHA-256 digest of the key is stored: the key is shown once, when it is issued.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

KEY_PREFIX = "ct_"


def digest(raw_key: str) -> str:
    # The key is 256 random bits, so a fast hash is enough; there is nothing to brute-force.
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True, user__is_superuser=False)


def token_user_problem(user, issuer=None) -> str:
    """Why `issuer` may not issue a token acting as `user` ("" when they may): a token acts
    only as an active non-superuser whose every role the issuer could grant them (a Clinic
    admin grants the role groups; permissions outside them are a superuser's to give)."""
    from clinic.roles import ROLE_NAMES

    if user.is_superuser:
        return "A token cannot act as a superuser."
    if not user.is_active:
        return "This account is deactivated."
    groups = set(user.groups.values_list("name", flat=True))
    if not groups & set(ROLE_NAMES):
        return "This account has no role, so a token acting as it could do nothing."
    outside_roles = bool(groups - set(ROLE_NAMES)) or user.user_permissions.exists()
    if outside_roles and issuer is not None and not issuer.is_superuser:
        return (
            "This account has permissions outside the roles; only a superuser may issue "
            "a token acting as it."
        )
    return ""


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “Clinic website”.")
    prefix = models.CharField(max_length=12, editable=False, help_text="Start of the key.")
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    read_only = models.BooleanField(
        default=False,
        help_text="Read-only tokens may only read (GET); any write answers 403.",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who issued the token.",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def clean(self) -> None:
        super().clean()
        # Checked when the token is issued; revoking it later must not depend on its user.
        if not self._state.adding or self.user_id is None:
            return
        problem = token_user_problem(self.user, self.issued_by)
        if problem:
            raise ValidationError({"user": problem})

    def set_new_key(self) -> str:
        raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.prefix = raw_key[:10]
        self.key_digest = digest(raw_key)
        return raw_key

    @classmethod
    def for_key(cls, raw_key: str) -> "ApiToken | None":
        if not raw_key.startswith(KEY_PREFIX):
            return None
        return (
            cls.objects.active().select_related("user").filter(key_digest=digest(raw_key)).first()
        )

    def touch(self) -> None:
        """Record use, at most once a minute, so busy integrations do not write on every call."""
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > timedelta(minutes=1):
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
