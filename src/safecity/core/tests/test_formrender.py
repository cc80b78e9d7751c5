"""The fast select renderer writes exactly what Django's widget templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from safecity.core.formrender import FastSelectRenderer


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "A & B"), ("<x>", 'say "hi"')], required=False)
    many = forms.MultipleChoiceField(choices=[("13A", "13A — Aggravated Assault"), ("120", "120 — Robbery"),
                                              ("09A", "09A — Murder")], required=False,
                                     widget=forms.SelectMultiple(attrs={"size": 6, "class": "usa-select"}))
    grouped = forms.ChoiceField(choices=[("Persons", [("1", "one"), ("2", "two")]), ("3", "three"),
                                         ("Property", [("4", mark_safe("<b>four</b>"))])])
    flags = forms.ChoiceField(choices=[(1, 1), (2, 2)], widget=forms.Select(attrs={"disabled": True,
                                                                                   "data-x": False}))


@pytest.mark.parametrize("data", [{}, {"plain": "<x>", "many": ["120", "09A"], "grouped": "4", "flags": "2"},
                                  {"plain": "nope", "many": ["13A"], "grouped": "2"}])
@pytest.mark.parametrize("name", ["plain", "many", "grouped", "flags"])
def test_same_markup_as_django(data: dict[str, object], name: str) -> None:
    fast, django = Everything(data or None, renderer=FastSelectRenderer()), Everything(
        data or None, renderer=DjangoTemplates())
    extra = {"aria-describedby": "x-hint", "class": 'usa-select "quoted"'}
    assert str(fast[name].as_widget(attrs=extra)) == str(django[name].as_widget(attrs=extra))
    assert str(fast[name]) == str(django[name])


def test_other_widgets_still_use_the_templates() -> None:
    class Other(forms.Form):
        text = forms.CharField()
        box = forms.BooleanField(required=False)

    assert str(Other(renderer=FastSelectRenderer())) == str(Other(renderer=DjangoTemplates()))


def test_settings_use_it() -> None:
    assert isinstance(forms.Form().renderer, FastSelectRenderer)
