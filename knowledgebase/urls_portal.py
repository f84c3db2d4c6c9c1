"""Shared instructions and courses in the operator portal, under /shared-instructions/."""

from django.urls import path

from knowledgebase import portal_views
from knowledgebase.views.course_desk import desk_urls

app_name = "kb_portal"

urlpatterns = [
    path("", portal_views.shared_list, name="list"),
    path("new/", portal_views.shared_new, name="new"),
    path("<int:pk>/", portal_views.shared_edit, name="edit"),
    path("<int:pk>/publish/", portal_views.shared_publish, name="publish"),
    path("<int:pk>/history/", portal_views.shared_history, name="history"),
    path("pictures/<int:pk>/", portal_views.shared_picture, name="picture"),
    *desk_urls(portal_views.COURSES, "courses/"),
]
