from django.urls import path

from accord.metrics import survey_views, views

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
    path("partnership/<int:pk>/health/", survey_views.partnership_health,
         name="partnership_health"),
    path("partnership/<int:pk>/health/rounds/", survey_views.partnership_survey_open,
         name="partnership_survey_open"),
    path("health/<int:pk>/", survey_views.surveyround_detail, name="surveyround_detail"),
    path("health/<int:pk>/sharing/", survey_views.surveyround_share, name="surveyround_share"),
    path("survey/", survey_views.survey_answer, name="survey_answer"),
]  # fmt: skip
