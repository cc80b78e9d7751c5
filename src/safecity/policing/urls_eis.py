from django.urls import path

from safecity.policing.views import eis

app_name = "policing_eis"

urlpatterns = [
    path("", eis.flag_list, name="list"),
    path("export.csv", eis.flag_export, name="export"),
    path("run/", eis.run, name="run"),
    path("evaluation/", eis.evaluation, name="evaluation"),
    path("evaluation.csv", eis.evaluation_csv, name="evaluation_csv"),
    path("officers/<uuid:public_id>/", eis.officer_indicators, name="officer"),
    path("<uuid:public_id>/", eis.flag_detail, name="detail"),
    path("<uuid:public_id>/<slug:step>/", eis.flag_step, name="step"),
]
