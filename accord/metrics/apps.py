from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "accord.metrics"
    verbose_name = "Metrics"

    def ready(self) -> None:
        # Registered here: the partnership page sits below this app.
        from accord.metrics import contributions  # noqa: F401
