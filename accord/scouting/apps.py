from django.apps import AppConfig


class ScoutingConfig(AppConfig):
    name = "accord.scouting"
    label = "scouting"
    verbose_name = "scouting"

    def ready(self) -> None:
        from accord.scouting import (
            contributions,  # noqa: F401 - registers page contributions
            signals,  # noqa: F401 - connects the index refresh
        )
