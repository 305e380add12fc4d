from django.urls import path

from accord.pilots import views

app_name = "pilots"
urlpatterns = [
    path("", views.pilot_list, name="pilot_list"),
    path("partnership/<int:pk>/", views.partnership_pilots, name="partnership_pilots"),
    path("partnership/<int:pk>/new/", views.pilot_create, name="partnership_pilot_create"),
    path("<int:pk>/", views.pilot_detail, name="pilot_detail"),
    path("<int:pk>/edit/", views.pilot_edit, name="pilot_edit"),
    path("<int:pk>/criteria/", views.criterion_add, name="pilot_criterion_add"),
    path("<int:pk>/readiness/", views.readiness_assess, name="pilot_readiness"),
    path("<int:pk>/decision/", views.pilot_decide, name="pilot_decide"),
    path("criteria/<int:pk>/actuals/", views.actual_record, name="successcriterion_actual"),
]
