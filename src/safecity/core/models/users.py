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
    session_epoch = models.PositiveIntegerField(
        default=0, help_text="Raised to end every session of the account at once (lock, deactivation, role loss)."
    )

    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django stores this in each session at sign-in and flushes any session whose copy no longer matches.

        Mixing in `session_epoch` makes ending every session of an account one UPDATE of one row, checked on
        the next request at no extra cost (the user row is read anyway), instead of decoding every session.
        """
        from django.utils.crypto import salted_hmac

        return salted_hmac("safecity.core.User.session", f"{self.password}:{self.session_epoch}", secret=secret,
                           algorithm="sha256").hexdigest()

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


class TokenOrigin(models.TextChoices):
    """How a token came to exist: only these three paths may create one (finding 1 of issue 6)."""

    SESSION = "session", "Account page or API session"
    ADMIN = "admin", "Administrator"
    CLI = "cli", "Command line"
    LEGACY = "legacy", "Before origins were recorded"


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
    # Rows that existed before these fields default to LEGACY: in CJI mode they may have been minted through
    # the MFA bypass, so staff tokens of that origin are refused and must be re-created.
    created_via = models.CharField(max_length=8, choices=TokenOrigin.choices, default=TokenOrigin.LEGACY)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   help_text="Who created it; empty for the command line and legacy rows.")

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def origin(self) -> str:
        """For the Account page: how it was created, naming the administrator who did it for someone else."""
        if self.created_via == TokenOrigin.ADMIN and self.created_by is not None:
            return f"Administrator {self.created_by.username}"
        return str(self.get_created_via_display())


class LoginFailure(models.Model):
    """One failed sign-in; counted over a sliding 15-minute window for the lockout rule."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
