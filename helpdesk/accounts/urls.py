from django.urls import path

from helpdesk.accounts.models import LoginToken
from helpdesk.accounts.views import audit, person_data, second_factor, signin, users

app_name = "accounts"

urlpatterns = [
    path("sign-in/", signin.sign_in, name="login"),
    path("sign-in/sent/", signin.link_sent, name="link_sent"),
    path("sign-in/code/", second_factor.otp, name="otp"),
    path("", second_factor.account, name="account"),
    path("code/on/", second_factor.second_factor_set_up, name="second_factor_on"),
    path("session/", signin.session_keepalive, name="session_keepalive"),
    path("sign-in/link/<str:secret>/", signin.redeem, {"purpose": LoginToken.Purpose.MAGIC_LINK}, name="magic_link"),
    path("card/<str:secret>/", signin.redeem, {"purpose": LoginToken.Purpose.LOGIN_CARD}, name="card"),
    path("invitation/<str:secret>/", signin.redeem, {"purpose": LoginToken.Purpose.INVITATION}, name="invitation"),
    path("password/", signin.set_password, name="set_password"),
    path("sign-out/", signin.sign_out, name="logout"),
    path("handoff/<str:token>/", signin.handoff, name="handoff"),
    path("people/", users.user_list, name="user_list"),
    path("people/new/", users.user_invite, name="user_invite"),
    path("people/<int:user_id>/", users.user_detail, name="user_detail"),
    path("people/<int:user_id>/card/", users.login_card, name="login_card"),
    path("people/<int:user_id>/card/revoke/", users.login_card_revoke, name="login_card_revoke"),
    path("people/<int:user_id>/invitation/", users.invitation_resend, name="invitation_resend"),
    path("people/<int:user_id>/code/reset/", users.second_factor_reset, name="second_factor_reset"),
    path("people/<int:user_id>/export/", person_data.person_export, name="person_export"),
    path("people/<int:user_id>/erase/", person_data.person_erase, name="person_erase"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/person/<int:user_id>/", audit.audit_log_export, name="audit_log_export"),
]
