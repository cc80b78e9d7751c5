"""Attendance pages (kit), at /m/policing/training/attendance/."""

from django.urls import path

from safecity.policing.views import training

app_name = "policing_attendance"

urlpatterns = [
    path("", training.attendance_list, name="list"),
    path("new/", training.attendance_create, name="create"),
    path("export.csv", training.attendance_export, name="export"),
    path("<uuid:public_id>/", training.attendance_detail, name="detail"),
]
