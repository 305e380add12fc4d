from django.urls import path

from accord.governance import views

app_name = "governance"
urlpatterns = [
    path("partnership/<int:pk>/", views.partnership_governance, name="partnership_governance"),
    path("partnership/<int:pk>/committees/", views.partnership_committee_create,
         name="partnership_committee_create"),
    path("partnership/<int:pk>/escalations/", views.partnership_escalation_raise,
         name="partnership_escalation_raise"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation_detail"),
    path("escalations/<int:pk>/act/", views.escalation_act, name="escalation_act"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/meetings/", views.committee_meeting_add,
         name="committee_meeting_add"),
    path("committees/<int:pk>/decisions/", views.committee_decision_add,
         name="committee_decision_add"),
    path("committees/<int:pk>/actions/", views.committee_action_add, name="committee_action_add"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/invite.ics", views.meeting_invite, name="meeting_invite"),
    path("action-items/<int:pk>/status/", views.actionitem_status, name="actionitem_status"),
    path("my-action-items/", views.my_action_items, name="my_action_items"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/feed.ics", views.calendar_feed, name="calendar_feed"),
]  # fmt: skip
