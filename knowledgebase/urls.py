"""Addresses of instructions, under /instructions/ on an organisation's host."""

from django.urls import path

from knowledgebase.views import asking, learning, reading, writing
from knowledgebase.views.course_desk import desk_urls

app_name = "knowledgebase"
# The courses written by this organisation itself (knowledgebase.stores.OWN_COURSES).
OWN = {"source": "own"}

urlpatterns = [
    path("", reading.index, name="index"),
    path("product/<slug:slug>/", reading.product_list, name="product"),
    path("<int:pk>/", reading.own, name="own"),
    path("shared/<int:pk>/", reading.shared, name="shared"),
    path("<str:source>/<int:pk>/helped/", reading.helped, name="helped"),
    path("pictures/<int:pk>/", reading.picture, name="picture"),
    path("shared-pictures/<int:pk>/", reading.shared_picture, name="shared_picture"),
    path("suggest/", asking.suggest, name="suggest"),
    path("while-asking/", asking.ask_matches, name="ask_matches"),
    # Courses
    path("courses/", learning.course_list, name="courses"),
    path("courses/progress/", learning.progress, name="progress"),
    path("courses/<slug:slug>/", learning.course_detail, name="course"),
    path("courses/<slug:slug>/consent/", learning.consent, name="consent"),
    path("courses/<slug:slug>/<int:position>/", learning.lesson, name="lesson"),
    path("courses/<slug:slug>/<int:position>/done/", learning.lesson_done, name="lesson_done"),
    path("our-courses/<slug:slug>/", learning.course_detail, OWN, name="own_course"),
    path("our-courses/<slug:slug>/consent/", learning.consent, OWN, name="own_consent"),
    path("our-courses/<slug:slug>/<int:position>/", learning.lesson, OWN, name="own_lesson"),
    path("our-courses/<slug:slug>/<int:position>/done/", learning.lesson_done, OWN, name="own_lesson_done"),
    # Writing and reviewing
    path("write/", writing.overview, name="write"),
    path("write/new/", writing.new, name="new"),
    path("write/<int:pk>/", writing.edit, name="edit"),
    path("write/<int:pk>/submit/", writing.submit, name="submit"),
    path("write/<int:pk>/publish/", writing.publish, name="publish"),
    path("write/<int:pk>/return/", writing.send_back, name="return"),
    path("write/<int:pk>/history/", writing.history, name="history"),
    path("write/shared/<int:pk>/hide/", writing.hide_shared, name="hide_shared"),
    path("write/shared/<int:pk>/show/", writing.show_shared, name="show_shared"),
    path("write/shared/<int:pk>/adapt/", writing.adapt_shared, name="adapt_shared"),
    path("write/from-question/<int:number>/", writing.from_question, name="from_question"),
    *desk_urls(writing.COURSES, "write/courses/"),
]
