from __future__ import annotations

from typing import Any

from django import forms

from safecity.core.models import Agency, AgencyType, User
from safecity.core.roles import Role


class SignInForm(forms.Form):
    username = forms.CharField(label="User name", max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label="Password", max_length=256, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    acknowledge = forms.BooleanField(
        label="I understand and accept the conditions of use above.",
        error_messages={"required": "You must accept the conditions of use to sign in."},
    )


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="6-digit code from your authenticator app", regex=r"^\s*\d{6}\s*$", max_length=8,
        error_messages={"invalid": "Enter the 6 digits your authenticator app shows."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="Token name", max_length=100)
    days = forms.IntegerField(label="Expires after (days)", min_value=1, max_value=365, initial=90)


class UserCreateForm(forms.Form):
    username = forms.RegexField(label="User name", regex=r"^[\w.@+-]{3,150}$", max_length=150,
                                error_messages={"invalid": "Use 3–150 letters, digits and . @ + - _ only."})
    email = forms.EmailField(label="Email")
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    home_agency = forms.ModelChoiceField(label="Home agency", queryset=Agency.objects.none())
    role = forms.ChoiceField(label="First role", choices=Role.choices)
    password = forms.CharField(label="Initial password", strip=False, widget=forms.PasswordInput,
                               max_length=256)

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_agency"].queryset = agencies if agencies is not None else Agency.objects.all()  # type: ignore[attr-defined]

    def clean_username(self) -> str:
        name: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError("That user name is taken (user names are never reused).")
        return name


class RoleGrantForm(forms.Form):
    user = forms.ModelChoiceField(label="User", queryset=User.objects.none())
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.none())
    role = forms.ChoiceField(label="Role", choices=Role.choices)

    def __init__(self, *args: Any, users: Any = None, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class AgencyForm(forms.Form):
    ori = forms.CharField(label="ORI", max_length=9, help_text="9 characters, e.g. IL0160000.")
    name = forms.CharField(label="Name", max_length=200)
    agency_type = forms.ChoiceField(label="Type", choices=AgencyType.choices)
    jurisdiction = forms.CharField(label="Jurisdiction", max_length=200, required=False)
    state = forms.CharField(label="State (2 letters)", max_length=2, required=False)


class AuditFilterForm(forms.Form):
    """The audit log's filters; the page and its CSV export validate the query string with this one form."""

    date_from = forms.DateField(label="From (date)", required=False, help_text="Local date, e.g. 2026-06-01.",
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To (date, inclusive)", required=False, help_text="Local date.",
                              widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(label="User", max_length=150, required=False,
                            help_text="User name: events by this user or about this user's account.")
    action = forms.ChoiceField(label="Action", required=False)
    object_type = forms.ChoiceField(label="Record type", required=False)
    obj = forms.CharField(label="Object", max_length=200, required=False,
                          help_text="An object's id, or part of its name (e.g. an incident number).")
    outcome = forms.ChoiceField(label="Outcome", required=False)

    def __init__(self, *args: Any, action_codes: list[str] | None = None, **kwargs: Any) -> None:
        from safecity.core import audit_labels

        super().__init__(*args, **kwargs)
        known = audit_labels.actions()
        extra = sorted(set(action_codes or ()) - set(known))
        self.fields["action"].choices = [("", "Any action"), *known.items(), *((c, c) for c in extra)]  # type: ignore[attr-defined]
        self.fields["object_type"].choices = [("", "Any record type"), *audit_labels.objects().items()]  # type: ignore[attr-defined]
        self.fields["outcome"].choices = [("", "Any outcome"), *audit_labels.OUTCOMES.items()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def selector_kwargs(self) -> dict[str, Any]:
        """The valid filters as `core.selectors.audit_event_list` arguments; dates are local whole days."""
        import datetime as dt

        from django.utils import timezone

        d = self.cleaned_data
        day = dt.timedelta(days=1)

        def local_midnight(value: dt.date) -> dt.datetime:
            return timezone.make_aware(dt.datetime.combine(value, dt.time.min))

        return {
            "action": d.get("action") or "", "actor": (d.get("actor") or "").strip(),
            "outcome": d.get("outcome") or "", "object_type": d.get("object_type") or "",
            "obj": (d.get("obj") or "").strip(),
            "since": local_midnight(d["date_from"]) if d.get("date_from") else None,
            "before": local_midnight(d["date_to"] + day) if d.get("date_to") else None,
        }

    def describe(self) -> str:
        """The filters in force, for the export's audit event."""
        return " ".join(f"{k}={v}" for k, v in self.cleaned_data.items() if v)
