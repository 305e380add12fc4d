from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "accord.screening"
    label = "screening"
    verbose_name = "screening"

    def ready(self) -> None:
        from accord.screening import contributions  # noqa: F401 - registers page contributions
