"""Running a module's action for a valid form, the one way every page does it.

A page that changes a record checks the form, then calls the module's audited action, which may still refuse
(`NotPermitted`: a wall, a workflow rule, a record of another agency) or reject the values (`ValidationError`:
a rule only the action can check, such as a date against the record's history). Both outcomes must look the
same on every page — a refusal is a 404 (the record is not the user's to change, as an unknown id) or a 403
(nothing was fetched by id, e.g. a create), the action's messages are shown on the fields they name and the
page is drawn again — so they are handled here instead of by a try/except in each view:

    if request.method == "POST" and form.is_valid() and applied(
            form, lambda: actions.thing_update(actor=request.user, thing=thing, **form.action_kwargs())):
        return redirect(...)
    return render(..., {"form": form}, status=400 if request.method == "POST" else 200)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404

from safecity.core.permissions import NotPermitted

__all__ = ["applied", "form_errors"]


def form_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put an action's `ValidationError` on the form: each message on the field it names; a message naming no
    field, or a field the form does not have, above the form (prefixed with the name it gave, so the reader
    still learns which value was refused)."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, messages in exc.message_dict.items():
        for message in messages:
            if name in form.fields:
                form.add_error(name, message)
            elif name == NON_FIELD_ERRORS:
                form.add_error(None, message)
            else:
                form.add_error(None, f"{name}: {message}")


def applied(form: forms.BaseForm, write: Callable[[], object], *, refusal: Literal[403, 404] = 404,
            noun: str = "record") -> bool:
    """Run `write` (a call of an audited action with the form's values); True if it went through.

    The action's `ValidationError` goes onto the form (`form_errors`) and the answer is False, so the caller
    draws the page again with the messages. Its `NotPermitted` is a 404 ("No such <noun>.") by default: the
    page fetched the record for change, so a refusal means the record is not the user's to change and must
    look like an unknown id. With `refusal=403` it is the 403 page instead (`NotPermitted` is a
    `PermissionDenied`, answered by the project's 403 handler), for pages where the user may know the record
    (a complaint they read) or where nothing was fetched by id (a create).
    """
    try:
        write()
    except NotPermitted:
        if refusal == 403:
            raise
        raise Http404(f"No such {noun}.") from None
    except ValidationError as exc:
        form_errors(form, exc)
        return False
    return True
