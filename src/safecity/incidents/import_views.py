"""The incident import pages: the importer framework's upload → preview → commit → result views
(`core.importing.views`) for the incident record type.

Wire with `path("incidents/import/", include("safecity.incidents.import_views"))` (namespace
"incidents_import").
"""

from safecity.core.importing.views import urls
from safecity.incidents.importers.pipeline import INCIDENTS

app_name = INCIDENTS.url_namespace
urlpatterns = urls(INCIDENTS)
