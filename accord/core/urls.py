from django.urls import path

from accord.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("system/", views.system_status, name="system_status"),
    path("healthz", views.healthz, name="healthz"),
]
