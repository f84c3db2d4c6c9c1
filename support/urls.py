"""Addresses of support for volunteers, under /questions/ on an organisation's host.

Included before the questions' own addresses, so `<number>/advice/` is not taken for a status change.
"""

from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/", views.review, name="review"),
    path("approvals/<int:pk>/return/", views.review_return, name="review_return"),
    path("approvals/<int:pk>/again/", views.write_again, name="write_again"),
    path("helpers/<int:user_id>/level/", views.level_set, name="level_set"),
    path("<int:number>/advice/", views.advice, name="advice"),
    path("<int:number>/advice/<int:thread_id>/answer/", views.advice_answer, name="advice_answer"),
    path("<int:number>/advice/<int:thread_id>/close/", views.advice_close, name="advice_close"),
]
