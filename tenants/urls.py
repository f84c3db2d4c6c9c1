from django.urls import path

from tenants import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:organisation_id>/retry/", views.organisation_retry, name="organisation_retry"),
    path("organisations/<int:organisation_id>/open/", views.organisation_open, name="organisation_open"),
    path("organisations/<int:organisation_id>/settings/", views.organisation_settings, name="organisation_settings"),
]
