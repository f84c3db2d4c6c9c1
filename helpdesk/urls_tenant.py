"""Addresses on a care organisation's host, `<slug>.<base domain>`."""

from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from helpdesk import views

urlpatterns = [
    path("", views.tenant_home, name="home"),
    path("account/", include("helpdesk.accounts.urls")),
    path("questions/", include("tickets.urls")),
    path("language/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("health/", views.health, name="health"),
]

handler404 = "helpdesk.views.not_found"
handler500 = "helpdesk.views.server_error"
