"""The professionals' queue, on the operator portal."""

from django.urls import path

from escalations import views

app_name = "escalations"

urlpatterns = [
    path("escalations/", views.queue, name="queue"),
    path("escalations/alerts/", views.alerts, name="alerts"),
    path("escalations/<int:organisation_id>/<int:number>/open/", views.open_question, name="open"),
]
