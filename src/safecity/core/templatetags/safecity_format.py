"""Number formatting shared by every page."""

from __future__ import annotations

import math
from typing import Any

from django import template

register = template.Library()


@register.filter
def pvalue(value: Any) -> str:
    """A p-value to 4 decimals; very small ones as '< 0.0001' rather than scientific notation."""
    try:
        p = float(value)
    except (TypeError, ValueError):
        return "—"
    if math.isnan(p):
        return "—"
    return "< 0.0001" if p < 0.0001 else f"{p:.4f}"


_WIDGET_CLASSES = {
    "select": "usa-select",
    "selectmultiple": "usa-select",
    "textarea": "usa-textarea",
    "clearablefile": "usa-file-input",
    "file": "usa-file-input",
    "checkbox": "usa-checkbox__input",
}


@register.filter
def uswds(field: Any) -> Any:
    """Render a form field's widget with the USWDS class for its type and its error/hint descriptions."""
    widget = field.field.widget
    kind = type(widget).__name__.lower().replace("input", "").replace("widget", "")
    css = _WIDGET_CLASSES.get(kind, "usa-input")
    if field.errors and css in {"usa-input", "usa-select", "usa-textarea"}:
        css += f" {css}--error"
    existing = widget.attrs.get("class", "")
    attrs: dict[str, str] = {"class": f"{existing} {css}".strip() if css not in existing else existing}
    described = [f"{field.id_for_label}-hint"] if field.help_text else []
    if field.errors:
        described.append(f"{field.id_for_label}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
