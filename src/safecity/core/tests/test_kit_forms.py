"""`core.kit.forms.applied`: how every page runs an action for a valid form."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404

from safecity.core.kit import applied, form_errors
from safecity.core.permissions import NotPermitted


class ShiftForm(forms.Form):
    unit = forms.CharField()
    started = forms.DateField()


def _valid() -> ShiftForm:
    form = ShiftForm({"unit": "PATROL", "started": "2026-03-01"})
    assert form.is_valid()
    return form


def _raise(exc: Exception) -> None:
    raise exc


def test_success_runs_the_action_once_and_leaves_the_form_clean() -> None:
    form, calls = _valid(), []
    assert applied(form, lambda: calls.append("ran")) is True
    assert calls == ["ran"]
    assert form.errors == {}


def test_refusal_is_404_by_default_naming_the_noun() -> None:
    form = _valid()
    with pytest.raises(Http404, match="No such officer"):
        applied(form, lambda: _raise(NotPermitted("not yours")), noun="officer")
    assert form.errors == {}


def test_refusal_403_lets_the_projects_403_handler_answer() -> None:
    with pytest.raises(PermissionDenied) as caught:
        applied(_valid(), lambda: _raise(NotPermitted("not yours")), refusal=403)
    assert not isinstance(caught.value, Http404)


def test_field_errors_go_on_their_fields_and_the_rest_above_the_form() -> None:
    form = _valid()
    exc = ValidationError({"started": ["Before the officer's hire date."], NON_FIELD_ERRORS: ["Overlaps."],
                           "agency": ["Not this agency."]})
    assert applied(form, lambda: _raise(exc)) is False
    assert form.errors["started"] == ["Before the officer's hire date."]
    # a message naming no field is shown as given; one naming a field the form lacks keeps the name
    assert form.non_field_errors() == ["Overlaps.", "agency: Not this agency."]
    assert "unit" not in form.errors
    assert "started" not in form.cleaned_data


def test_a_plain_validation_error_goes_above_the_form() -> None:
    form = _valid()
    assert applied(form, lambda: _raise(ValidationError(["One.", "Two."]))) is False
    assert form.non_field_errors() == ["One.", "Two."]


def test_other_exceptions_are_not_swallowed() -> None:
    with pytest.raises(ZeroDivisionError):
        applied(_valid(), lambda: _raise(ZeroDivisionError()))


def test_form_errors_alone() -> None:
    form = _valid()
    form_errors(form, ValidationError({"unit": "Unknown unit code."}))
    assert form.errors == {"unit": ["Unknown unit code."]}
