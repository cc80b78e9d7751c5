"""Stop pages at /m/policing/stops/: the list, record and CSV (kit), the equity page and its CSVs, the import
pages are `urls_stops_import` (their own namespace, policing_stops_import)."""

from django.urls import path

from safecity.policing.views import stops

app_name = "policing_stops"

urlpatterns = [
    path("", stops.stop_list, name="list"),
    path("export.csv", stops.stop_export, name="export"),
    path("equity/", stops.equity, name="equity"),
    path("equity/<slug:table>.csv", stops.equity_csv, name="equity_csv"),
    path("<uuid:public_id>/", stops.stop_detail, name="detail"),
]
