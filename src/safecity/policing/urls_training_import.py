"""The training attendance import pages (`core.importing.views`): upload → preview → commit → result, at
/m/policing/training/import/."""

from safecity.core.importing.views import urls
from safecity.policing.importers_training import TRAINING

app_name = TRAINING.url_namespace
urlpatterns = urls(TRAINING)
