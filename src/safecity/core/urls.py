from django.urls import path

from safecity.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/login/", views.sign_in, name="login"),
    path("accounts/mfa/", views.mfa_verify, name="mfa_verify"),
    path("accounts/mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("accounts/keepalive/", views.keepalive, name="keepalive"),
    path("accounts/", views.account, name="account"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("manage/", views.manage, name="manage"),
    path("manage/users/<int:pk>/", views.manage_user_action, name="manage_user"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("m/<slug:module>/", views.module_dashboard, name="module"),
    path("open/", views.open_data, name="open"),
    path("rules/", views.rules_page, name="rules"),
]
