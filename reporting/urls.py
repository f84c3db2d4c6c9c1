"""Addresses under /reports/ on a care organisation's host."""

from django.urls import path

from reporting.views import actions, dashboard, reports

app_name = "reporting"

urlpatterns = [
    path("", reports.report_list, name="list"),
    path("request/", reports.report_request_month, name="request"),
    path("mail/", reports.report_mail, name="mail"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/figures.csv", dashboard.dashboard_figures_csv, name="dashboard_figures_csv"),
    path("dashboard/questions.csv", dashboard.dashboard_questions_csv, name="dashboard_questions_csv"),
    path("actions/", actions.action_list, name="actions"),
    path("actions/new/", actions.action_new, name="action_new"),
    path("actions/<int:pk>/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/next/", actions.action_next_stage, name="action_next"),
    path("users/", actions.product_users, name="users"),
    path("<str:month>/report.pdf", reports.report_pdf, name="pdf"),
    path("<str:month>/figures.csv", reports.report_csv, name="csv"),
    path("<str:month>/rebuild/", reports.report_rebuild_view, name="rebuild"),
    path("<str:month>/supplier/<slug:product>/", reports.supplier_page, name="supplier"),
    path("<str:month>/supplier/<slug:product>/report.pdf", reports.supplier_pdf, name="supplier_pdf"),
]
