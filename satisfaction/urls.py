"""Addresses of the satisfaction questions: by a question's number, or by the e-mail's link."""

from django.urls import path

from satisfaction import views

app_name = "satisfaction"

urlpatterns = [
    path("questions/<int:number>/rating/", views.rate, name="rate"),
    path("questions/<int:number>/rating/thanks/", views.rate_thanks, name="rate_thanks"),
    path("rating/<str:token>/", views.rate_link, name="rate_link"),
    path("rating/<str:token>/thanks/", views.rate_link_thanks, name="rate_link_thanks"),
]
