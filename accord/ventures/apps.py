from django.apps import AppConfig


class VenturesConfig(AppConfig):
    name = "accord.ventures"
    verbose_name = "Ventures"
