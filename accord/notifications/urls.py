from django.urls import path

from accord.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("unread/", views.unread, name="unread"),
    path("read/", views.read_all, name="read_all"),
    path("<int:pk>/read/", views.notification_read, name="notification_read"),
    path("settings/", views.settings_page, name="settings"),
    path("partnerships/<int:pk>/ask/", views.partnership_ask, name="partnership_ask"),
    path("webhooks/", views.webhookendpoint_list, name="webhookendpoint_list"),
    path("webhooks/<int:pk>/", views.webhookendpoint_detail, name="webhookendpoint_detail"),
    path("webhooks/<int:pk>/delete/", views.webhookendpoint_delete, name="webhookendpoint_delete"),
]
