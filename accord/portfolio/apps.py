from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "accord.portfolio"
    verbose_name = "Portfolio"
