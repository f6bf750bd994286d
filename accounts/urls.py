from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("consent/", views.consent, name="consent"),
    path("me/", views.me, name="me"),
    path("me/export/", views.export, name="export"),
    path("me/delete/", views.delete_account, name="delete"),
    path("privacy/", views.privacy, name="privacy"),
    path("staff/sign-in/", views.staff_sign_in, name="staff-sign-in"),
    path("staff/", views.staff_me, name="staff-me"),
]
