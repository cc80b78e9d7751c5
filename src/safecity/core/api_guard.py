"""`requires(module, *actions)`: the API's equivalent of `core.views.module_required`.

It checks the caller's role table before the operation runs (refusals are audited and answer 403) and
records the requirement on the operation (`safecity_requires`), where the role × module × action test
reads it for every operation in the OpenAPI document. Put it between the router decorator and the function
(below `@router.get(...)`, above `@paginate(...)`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest

from safecity.core import actions
from safecity.core.permissions import NotPermitted, declare
from safecity.core.roles import VIEW

F = TypeVar("F", bound=Callable[..., Any])


def requires(module: str, *needs: str) -> Callable[[F], F]:
    needed = needs or (VIEW,)

    def decorator(func: F) -> F:
        @wraps(func)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            refusal = actions.module_refusal(actor=request.user, module=module, needed=needed, path=request.path)
            if refusal:
                raise NotPermitted(refusal)
            return func(request, *args, **kwargs)

        # ninja resolves string annotations (`from __future__ import annotations`) in the globals of the
        # function it is given; hand it the operation's own signature, evaluated where it was written.
        guarded.__signature__ = inspect.signature(func, eval_str=True)  # type: ignore[attr-defined]
        declare(guarded, module, needed)
        return guarded  # type: ignore[return-value]

    return decorator
