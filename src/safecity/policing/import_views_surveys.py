"""The survey import pages: the importer framework's upload → preview → commit → result views
(`core.importing.views`) for `import_surveys.SURVEYS` (namespace "policing_surveys_import")."""

from safecity.core.importing.views import urls
from safecity.policing.import_surveys import SURVEYS

app_name = SURVEYS.url_namespace
urlpatterns = urls(SURVEYS)
