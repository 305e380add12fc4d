from django.urls import path

from accord.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("scorecards/", views.scorecard_list, name="scorecard_list"),
    path("impact/", views.impact_page, name="impact"),
    path("company-revenue/", views.companyrevenue_set, name="companyrevenue_set"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/run/", views.review_run, name="review_run"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/items/<int:pk>/decide/", views.reviewitem_decide, name="reviewitem_decide"),
    path("rules/", views.reviewrule_list, name="reviewrule_list"),
    path("rules/new/", views.reviewrule_create, name="reviewrule_create"),
    path("optimizer/", views.optimizer_page, name="optimizer"),
    path("board-pack/", views.boardpack_view, name="boardpack_view"),
    path("board-pack.pdf", views.boardpack_pdf, name="boardpack_pdf"),
]
