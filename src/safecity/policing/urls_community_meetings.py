"""Community meetings under /m/policing/community/meetings/ (namespace "policing_meetings")."""

from django.urls import path

from safecity.policing.views import community as views

app_name = "policing_meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("export.csv", views.meeting_export, name="export"),
    path("follow-ups/overdue/", views.followups_overdue, name="overdue"),
    path("follow-ups/overdue.csv", views.followups_overdue_csv, name="overdue_csv"),
    path("follow-ups/<uuid:public_id>/status/", views.followup_status, name="followup_status"),
    path("<uuid:public_id>/", views.meeting_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.meeting_edit, name="edit"),
    path("<uuid:public_id>/concerns/", views.meeting_concern, name="concern"),
    path("<uuid:public_id>/follow-ups/", views.meeting_followup, name="followup"),
]
