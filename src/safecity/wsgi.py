import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")
application = get_wsgi_application()


def _load_everything() -> None:
    """Import every view (the URL configuration, and with it the API and its schemas), digest the code for
    the result cache's keys and load the template engines now, while the server starts, instead of in each
    worker's first request: that took seconds, and under a meeting's first burst every request queued
    behind it."""
    from django.db import connections
    from django.template import engines
    from django.urls import get_resolver

    from safecity.core.resultcache import code_version

    get_resolver().url_patterns  # noqa: B018 - the attribute's import is the point
    code_version()
    for engine in engines.all():  # the template engines, their tag libraries and the page skeleton
        engine.get_template("base.html")
    # `safecity serve` loads this in gunicorn's master and forks the workers from it: no database connection
    # may be inherited by them (none should be open; closing costs nothing if so).
    connections.close_all()


_load_everything()
