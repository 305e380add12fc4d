from django.urls import path

from accord.metrics import views

app_name = "metrics"
urlpatterns = [
    path("kpis/", views.kpi_list, name="kpi_list"),
    path("kpis/new/", views.kpi_create, name="kpi_create"),
    path("kpis/<int:pk>/", views.kpi_edit, name="kpi_edit"),
    path("exchange-rates/", views.exchangerate_set, name="exchangerate_set"),
    path("observations/import/", views.observation_import, name="observation_import"),
    path("partnership/<int:pk>/", views.partnership_metrics, name="partnership_metrics"),
    path("partnership/<int:pk>/observations/", views.partnership_observation_add,
         name="partnership_observation_add"),
    path("partnership/<int:pk>/targets/", views.partnership_target_set,
         name="partnership_target_set"),
    path("partnership/<int:pk>/costs/", views.partnership_cost_add, name="partnership_cost_add"),
]  # fmt: skip
