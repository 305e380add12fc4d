from django.apps import AppConfig


class ScoutingConfig(AppConfig):
    name = "accord.scouting"
    label = "scouting"
    verbose_name = "scouting"

    def ready(self) -> None:
        from accord.scouting import signals  # noqa: F401 - connects the index refresh
