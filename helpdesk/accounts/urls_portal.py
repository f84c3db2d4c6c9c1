from django.urls import path

from helpdesk.accounts.views import portal

app_name = "accounts"

urlpatterns = [
    path("sign-in/", portal.sign_in, name="login"),
    path("sign-in/code/", portal.otp, name="otp"),
    path("sign-out/", portal.sign_out, name="logout"),
]
