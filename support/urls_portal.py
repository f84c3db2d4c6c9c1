"""Addresses of the requests for advice in the operator portal, under /advice/."""

from django.urls import path

from support import portal_views

app_name = "advice"

urlpatterns = [
    path("", portal_views.advice_requests, name="list"),
    path("<int:pk>/open/", portal_views.advice_request_open, name="open"),
]
