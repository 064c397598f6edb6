"""API tokens, for the clinic's website and other systems that call the JSON API.

A token acts as the staff user it belongs to (so it has exactly that user's role). Only a
SHA-256 digest of the key is stored: the key is shown once, when it is issued.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

KEY_PREFIX = "ct_"


def digest(raw_key: str) -> str:
    # The key is 256 random bits, so a fast hash is enough; there is nothing to brute-force.
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


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

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

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
