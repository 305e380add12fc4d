from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "accord.metrics"
    verbose_name = "Metrics"

    def ready(self) -> None:
        # Registered here: the partnership and workspace pages sit below this app.
        from accord.metrics import contributions, workspace_views  # noqa: F401
