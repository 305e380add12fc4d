from django.urls import path

from accord.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("system/", views.system_status, name="system_status"),
    path("views/", views.savedview_list, name="savedview_list"),
    path("views/new/", views.savedview_create, name="savedview_create"),
    path("views/<int:pk>/rename/", views.savedview_rename, name="savedview_rename"),
    path("views/<int:pk>/delete/", views.savedview_delete, name="savedview_delete"),
    path("healthz", views.healthz, name="healthz"),
]
