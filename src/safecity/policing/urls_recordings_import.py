"""The recordings import pages (`core.importing.views`): upload → preview → commit → result, at
/m/policing/recordings/import/."""

from safecity.core.importing.views import urls
from safecity.policing.importers_recordings import RECORDINGS_IMPORT

app_name = RECORDINGS_IMPORT.url_namespace
urlpatterns = urls(RECORDINGS_IMPORT)
