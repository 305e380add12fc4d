from django.urls import path

from accord.ventures import kpi_views, views

app_name = "ventures"
urlpatterns = [
    path("", views.fund_list, name="fund_list"),
    path("strategy/", views.strategic_view, name="strategic_view"),
    path("funds/new/", views.fund_create, name="fund_create"),
    path("funds/<int:pk>/", views.fund_detail, name="fund_detail"),
    path("funds/<int:pk>/edit/", views.fund_edit, name="fund_edit"),
    path("funds/<int:pk>/cash-flows/", views.fund_cashflows, name="fund_cashflows"),
    path("funds/<int:pk>/import/", views.fund_import, name="fund_import"),
    path("funds/<int:pk>/report.csv", views.fund_report_csv, name="fund_report_csv"),
    path("funds/<int:pk>/report.pdf", views.fund_report_pdf, name="fund_report_pdf"),
    path(
        "funds/<int:pk>/investments/new/",
        views.fund_investment_create,
        name="fund_investment_create",
    ),
    path("investments/<int:pk>/", views.investment_detail, name="investment_detail"),
    path("investments/<int:pk>/edit/", views.investment_edit, name="investment_edit"),
    path("investments/<int:pk>/marks/", views.investment_marks, name="investment_marks"),
    path("investments/<int:pk>/options/", views.investment_options, name="investment_options"),
    path(
        "investments/<int:pk>/cash-flows/",
        views.investment_cashflows,
        name="investment_cashflows",
    ),
    path("options/<int:pk>/status/", views.optionright_status, name="optionright_status"),
    path("cash-flows/<int:pk>/delete/", views.cashflow_delete, name="cashflow_delete"),
    path("marks/<int:pk>/delete/", views.mark_delete, name="mark_delete"),
    path(
        "investments/<int:pk>/kpi-requests/",
        kpi_views.investment_kpirequests,
        name="investment_kpirequests",
    ),
    path(
        "investments/<int:pk>/kpi-thresholds/",
        kpi_views.investment_kpithresholds,
        name="investment_kpithresholds",
    ),
    path("kpi-requests/<int:pk>/remind/", kpi_views.kpirequest_remind, name="kpirequest_remind"),
    path(
        "kpi-requests/<int:pk>/withdraw/",
        kpi_views.kpirequest_withdraw,
        name="kpirequest_withdraw",
    ),
    path(
        "kpi-thresholds/<int:pk>/delete/",
        kpi_views.kpithreshold_delete,
        name="kpithreshold_delete",
    ),
    # A portfolio company's link: the token is a query parameter (?token=...).
    path("kpi/", kpi_views.kpi_answer, name="kpi_answer"),
]
