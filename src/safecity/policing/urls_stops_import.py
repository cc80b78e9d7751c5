"""The stop import pages at /m/policing/stops/import/: the importer framework's upload → preview → commit → result
views (`core.importing.views`) for `imports_stops.STOPS` (namespace "policing_stops_import")."""

from safecity.core.importing.views import urls
from safecity.policing.imports_stops import STOPS

app_name = STOPS.url_namespace
urlpatterns = urls(STOPS)
