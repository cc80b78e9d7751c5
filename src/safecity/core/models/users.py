from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from safecity.core.models.agency import Agency
from safecity.core.roles import Role


class Affiliation(models.TextChoices):
    AGENCY = "agency", "Agency employee"
    CONTRACTOR = "contractor", "Contractor"
    PARTNER = "partner", "Community partner"
    PUBLIC = "public", "Member of the public"


class User(AbstractUser):
    """A person who signs in. Never hard-deleted (CJIS IA-4: identifiers are not reused)."""

    affiliation = models.CharField(max_length=16, choices=Affiliation.choices, default=Affiliation.AGENCY)
    home_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    locked_at = models.DateTimeField(
        null=True, blank=True, help_text="Set after repeated failed sign-ins; only an administrator clears it."
    )
    password_changed_at = models.DateTimeField(null=True, blank=True)

    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_staff_member(self) -> bool:
        """Staff (anyone with a non-public role) must use MFA in CJI mode."""
        return self.is_superuser or self.role_assignments.exclude(role=Role.PUBLIC).exists()


class RoleAssignment(models.Model):
    """A role granted to a user within one agency."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=16, choices=Role.choices)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="uniq_role_assignment")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.agency.ori}"


class ApiToken(models.Model):
    """Per-user API token. Only a SHA-256 hash of the secret is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True, help_text="Public part of the token, for lookup.")
    key_hash = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class LoginFailure(models.Model):
    """One failed sign-in; counted over a sliding 15-minute window for the lockout rule."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
