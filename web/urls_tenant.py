"""Addresses on a care organisation's host, `<slug>.<base domain>`."""

from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from helpdesk import views
from tenants import views as tenant_views
from web.views import tenant_home

urlpatterns = [
    path("", tenant_home, name="home"),
    path("account/", include("helpdesk.accounts.urls")),
    path("", include("satisfaction.urls")),
    path("questions/", include("support.urls")),
    path("questions/", include("tickets.urls")),
    path("reports/", include("reporting.urls")),
    path("instructions/", include("knowledgebase.urls")),
    path("settings/", tenant_views.tenant_settings, name="organisation_settings"),
    path("language/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("health/", views.health, name="health"),
    path("brand.css", tenant_views.brand_stylesheet, name="brand_stylesheet"),
]

handler400 = "helpdesk.views.bad_request"
handler404 = "helpdesk.views.not_found"
handler500 = "helpdesk.views.server_error"
