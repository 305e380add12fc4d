from django.urls import path

from accord.relationships import views

app_name = "relationships"
urlpatterns = [
    path("interactions/", views.interaction_list, name="interaction_list"),
    path("interactions/new/", views.interaction_create, name="interaction_create"),
    path("interactions/<int:pk>/", views.interaction_detail, name="interaction_detail"),
    path("interactions/<int:pk>/edit/", views.interaction_edit, name="interaction_edit"),
    path("interactions/import/", views.calendar_import, name="calendar_import"),
    path("interactions/import/csv/", views.interactions_import, name="interactions_import"),
    path("connections/import/", views.connections_import, name="connections_import"),
    path("connections/import/vcards/", views.vcards_import, name="vcards_import"),
    path(
        "organizations/<int:pk>/network/", views.organization_network, name="organization_network"
    ),
    path("people/<int:pk>/network/", views.person_network, name="person_network"),
    path("connections/<int:pk>/", views.connection_detail, name="connection_detail"),
    path("cadence/", views.cadence_page, name="cadence"),
    path("cadence/rules/", views.cadencerule_create, name="cadencerule_create"),
]
