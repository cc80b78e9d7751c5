"""The officer roster import pages (`core.importing.views`), at /m/policing/officers/import/."""

from safecity.core.importing.views import urls
from safecity.policing.importers_roster import OFFICERS_IMPORT

app_name = OFFICERS_IMPORT.url_namespace
urlpatterns = urls(OFFICERS_IMPORT)
