from django.urls import path

from accord.partnerships import invitation_views, picker_views, views

app_name = "partnerships"
urlpatterns = [
    path("", views.partnership_list, name="partnership_list"),
    path("board/", views.partnership_board, name="partnership_board"),
    path("bulk/", views.partnership_bulk_edit, name="partnership_bulk_edit"),
    path("pick/", picker_views.partnership_picker, name="partnership_picker"),
    path("new/", views.partnership_create, name="partnership_create"),
    path("<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("<int:pk>/edit/", views.partnership_edit, name="partnership_edit"),
    path("<int:pk>/move/", views.partnership_move, name="partnership_move"),
    path("<int:pk>/notes/", views.partnership_note, name="partnership_note"),
    path("<int:pk>/documents/", views.partnership_document, name="partnership_document"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("<int:pk>/partner-users/", invitation_views.partnership_partner_users,
         name="partnership_partner_users"),
    path("<int:pk>/invitations/", invitation_views.partnership_invite, name="partnership_invite"),
    path("invitations/<int:pk>/revoke/", invitation_views.invitation_revoke,
         name="invitation_revoke"),
    path("gates/", views.stagegate_list, name="stagegate_list"),
    path("gates/<int:pk>/edit/", views.stagegate_edit, name="stagegate_edit"),
]  # fmt: skip
