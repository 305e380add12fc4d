from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "accord.network"
    verbose_name = "Network"

    def ready(self) -> None:
        # Registered here: the organization and person pages sit below this app.
        from accord.network import contributions  # noqa: F401
