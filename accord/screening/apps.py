from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "accord.screening"
    label = "screening"
    verbose_name = "screening"
