from django.urls import path

from accord.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("sso/start/", views.sso_start, name="sso_start"),
    path("sso/callback/", views.sso_callback, name="sso_callback"),
    path("password/", views.password_change_view, name="password_change"),
    path("password/reset/", views.password_reset_view, name="password_reset"),
    path("password/reset/sent/", views.password_reset_sent_view, name="password_reset_sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm_view,
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/", views.password_reset_complete_view, name="password_reset_complete"
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/time-zone/", views.time_zone, name="time_zone"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("sign-ins/", views.signinevent_list, name="signinevent_list"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/invite/", views.user_invite, name="user_invite"),
    path(
        "invitations/<int:pk>/revoke/",
        views.user_invitation_revoke,
        name="userinvitation_revoke",
    ),
    path("join/", views.invitation_accept, name="invitation_accept"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
]
