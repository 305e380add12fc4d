from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "accord.partnerships"
    label = "partnerships"

    def ready(self) -> None:
        from accord.partnerships import contributions  # noqa: F401 - registers page contributions
