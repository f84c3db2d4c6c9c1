"""Addresses of questions, under /questions/ on an organisation's host."""

from django.urls import path

from tickets.views import ask, contribution, duty, escalation, files, intake, requester, staff

app_name = "tickets"

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("mine/", requester.my_questions, name="mine"),
    path("notifications/", staff.notifications, name="notifications"),
    path("saved-replies/", staff.saved_replies, name="saved_replies"),
    path("saved-replies/<int:pk>/delete/", staff.saved_reply_delete, name="saved_reply_delete"),
    path("open/", requester.open_question, name="open"),
    path("open/send-link/", requester.open_send_link, name="open_send_link"),
    path("open/<str:token>/", requester.open_link, name="open_link"),
    path("ask/", ask.ask_start, name="ask_start"),
    path("ask/check/", ask.ask_check, name="ask_check"),
    path("ask/sent/", ask.ask_done, name="ask_done"),
    path("ask/photo/", ask.ask_photo, name="ask_photo"),
    path("ask/<slug:step>/", ask.ask_step, name="ask_step"),
    path("record/", intake.intake, name="intake"),
    path("duty/", duty.duty, name="duty"),
    path("duty/start/", duty.duty_start, name="duty_start"),
    path("duty/stop/", duty.duty_stop, name="duty_stop"),
    path("duty/plan/", duty.duty_plan, name="duty_plan"),
    path("duty/<int:pk>/remove/", duty.duty_remove, name="duty_remove"),
    path("my-help/", contribution.contribution, name="contribution"),
    path("<int:number>/", staff.detail, name="detail"),
    path("<int:number>/follow/", requester.follow, name="follow"),
    path("<int:number>/follow/solved/", requester.solved, name="solved"),
    path("<int:number>/follow/help/", requester.needs_help, name="needs_help"),
    path("<int:number>/photos/", files.photo_add, name="photo_add"),
    path("<int:number>/photos/<int:pk>/", files.photo_show, name="photo_show"),
    path("<int:number>/claim/", staff.claim, name="claim"),
    path("<int:number>/reply/", staff.reply, name="reply"),
    path("<int:number>/note/", staff.note, name="note"),
    path("<int:number>/call/", staff.call, name="call"),
    path("<int:number>/resolve/", staff.resolve, name="resolve"),
    path("<int:number>/about/", staff.about, name="about"),
    path("<int:number>/escalate/", escalation.escalate, name="escalate"),
    path("<int:number>/worry/", escalation.worry, name="worry"),
    path("<int:number>/take-over/", escalation.take_over, name="take_over"),
    path("<int:number>/hand-back/", escalation.hand_back, name="hand_back"),
    path("<int:number>/release/", staff.release, name="release"),
    path("<int:number>/waiting/", staff.set_waiting, name="waiting"),
    path("<int:number>/close/", staff.close, name="close"),
    path("<int:number>/reopen/", staff.reopen, name="reopen"),
]
