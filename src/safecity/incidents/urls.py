from django.urls import path

from safecity.incidents import map_views, stats_views, views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("export.csv", views.incident_export, name="export"),
    path("stats/", stats_views.compstat_page, name="stats_compstat"),
    path("stats/compstat.pdf", stats_views.compstat_pdf, name="stats_compstat_pdf"),
    path("stats/trends/", stats_views.trends_page, name="stats_trends"),
    path("stats/upticks/", stats_views.upticks_page, name="stats_upticks"),
    path("stats/hotspots/", stats_views.hotspots_page, name="stats_hotspots"),
    path("stats/near-repeat/", stats_views.near_repeat_page, name="stats_near_repeat"),
    path("stats/firearm/", stats_views.firearm_page, name="stats_firearm"),
    path("stats/compstat.csv", stats_views.compstat_csv, name="stats_compstat_csv"),
    path("stats/trends.csv", stats_views.trends_csv, name="stats_trends_csv"),
    path("stats/upticks.csv", stats_views.upticks_csv, name="stats_upticks_csv"),
    path("stats/hotspots.csv", stats_views.hotspots_csv, name="stats_hotspots_csv"),
    path("stats/near-repeat.csv", stats_views.near_repeat_csv, name="stats_near_repeat_csv"),
    path("stats/firearm.csv", stats_views.firearm_csv, name="stats_firearm_csv"),
    path("map/basemap.pmtiles", map_views.basemap, name="basemap"),
    path("<uuid:public_id>/", views.incident_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.incident_edit, name="edit"),
]
