from django.urls import path

from helpdesk.accounts.views import portal, signin, staff

app_name = "accounts"

urlpatterns = [
    path("sign-in/", portal.sign_in, name="login"),
    path("sign-in/code/", portal.otp, name="otp"),
    path("sign-out/", portal.sign_out, name="logout"),
    path("session/", signin.session_keepalive, name="session_keepalive"),
    # The same path as an organisation's invitations: the e-mail's link is made the same way.
    path("invitation/<str:secret>/", staff.invitation, name="invitation"),
    path("password/", staff.set_password, name="staff_password"),
    path("staff/", staff.staff_list, name="staff"),
    path("staff/<int:user_id>/close/", staff.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:user_id>/reopen/", staff.staff_reactivate, name="staff_reactivate"),
    path("staff/<int:user_id>/invitation/", staff.staff_invitation_resend, name="staff_invitation_resend"),
]
