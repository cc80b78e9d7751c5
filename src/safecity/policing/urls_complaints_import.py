"""The complaints import pages (`core.importing.views`): upload → preview → commit → result, at
/m/policing/complaints/import/. The batches carry the personnel label, so only readers cleared for complaint
files see them."""

from safecity.core.importing.views import urls
from safecity.policing.importers_complaints import COMPLAINTS_IMPORT

app_name = COMPLAINTS_IMPORT.url_namespace
urlpatterns = urls(COMPLAINTS_IMPORT)
