from django.apps import AppConfig


class PilotsConfig(AppConfig):
    name = "accord.pilots"
    verbose_name = "Pilots"

    def ready(self) -> None:
        # Registered here: the stage gates and the partnership page sit below this app.
        from accord.pilots import contributions, gates, workspace_views  # noqa: F401
