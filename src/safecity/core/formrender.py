"""The form renderer (`settings.FORM_RENDERER`): Django's, with `<select>` written in Python.

Django renders every `<option>` of a select through two included templates. The incident list's filter form
has ~240 options (two offence-code lists, categories, districts, beats), and rendering them was about a
third of the page's CPU time — under a 50-user meeting that is what everyone queued for. This renderer
produces the same markup, character for character (`core/tests/test_formrender.py` compares it with
Django's on selects with groups, several chosen values, escaping and boolean attributes), by string joining;
every other widget, and any select whose options use another template, goes through Django's templates.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html: False drops the attribute, True writes its bare name.
    return "".join("" if value is False else f" {conditional_escape(name)}" if value is True
                   else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
                   for name, value in attrs.items())


def render_select(widget: dict[str, Any]) -> str | None:
    """The select's HTML as Django's templates write it (after the renderer's strip), or None when an option
    uses a template other than Django's own (then the templates must do it)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option.get("template_name") != OPTION:
                return None
            parts.append(f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                         f'{conditional_escape(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FastSelectRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT:
            html = render_select(context["widget"])
            if html is not None:
                return html
        return str(super().render(template_name, context, request))
