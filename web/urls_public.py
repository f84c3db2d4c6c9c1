"""Addresses on the bare base domain: the operator portal."""

from django.urls import include, path
from django.views.i18n import set_language

from helpdesk import views

urlpatterns = [
    path("", include("escalations.urls")),
    path("", include("portal.urls")),
    path("contracts/", include("reporting.urls_portal")),
    path("account/", include("helpdesk.accounts.urls_portal")),
    path("shared-instructions/", include("knowledgebase.urls_portal")),
    path("language/", set_language, name="set_language"),
    path("health/", views.health, name="health"),
]

handler400 = "helpdesk.views.bad_request"
handler404 = "helpdesk.views.not_found"
handler500 = "helpdesk.views.server_error"
