"""The operator portal's pages, on the bare base domain (the professionals' queue has its own)."""

from django.urls import path

from portal import views
from tenants import portability_views as portability
from tenants import views as organisations

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/new/", organisations.organisation_new, name="organisation_new"),
    path("organisations/<int:organisation_id>/", organisations.organisation_detail, name="organisation"),
    path("organisations/<int:organisation_id>/retry/", organisations.organisation_retry, name="organisation_retry"),
    path("organisations/<int:organisation_id>/open/", organisations.organisation_open, name="organisation_open"),
    path(
        "organisations/<int:organisation_id>/settings/",
        organisations.organisation_settings,
        name="organisation_settings",
    ),
    path("organisations/<int:organisation_id>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:organisation_id>/close/",
        organisations.organisation_deactivate,
        name="organisation_deactivate",
    ),
    path(
        "organisations/<int:organisation_id>/reopen/",
        organisations.organisation_reactivate,
        name="organisation_reactivate",
    ),
    path(
        "organisations/<int:organisation_id>/invitation/",
        organisations.organisation_invitation_resend,
        name="organisation_invitation_resend",
    ),
    path("organisations/restore/", portability.organisation_restore, name="organisation_restore"),
    path("organisations/<int:organisation_id>/export/", portability.organisation_export, name="organisation_export"),
    path(
        "organisations/<int:organisation_id>/offboard/", portability.organisation_offboard, name="organisation_offboard"
    ),
    path("overview/", views.overview, name="overview"),
    path("advice/", views.advice_requests, name="advice"),
    path("advice/<int:pk>/open/", views.advice_request_open, name="advice_open"),
]
