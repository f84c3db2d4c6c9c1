"""The operator portal's report pages, on the bare base domain."""

from django.urls import path

from reporting import portal_views

app_name = "reporting_portal"

urlpatterns = [
    path("", portal_views.contracts, name="contracts"),
    path("contracts.csv", portal_views.contracts_csv, name="contracts_csv"),
    path("<slug:slug>/", portal_views.organisation_figures, name="organisation"),
    path("<slug:slug>/<str:month>/report.pdf", portal_views.organisation_report_pdf, name="pdf"),
    path("<slug:slug>/<str:month>/rebuild/", portal_views.organisation_report_rebuild, name="rebuild"),
]
