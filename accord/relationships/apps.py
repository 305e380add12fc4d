from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "accord.relationships"
    verbose_name = "Relationships"

    def ready(self) -> None:
        # Registered here: the organization and person pages sit below this app.
        from accord.relationships import contributions  # noqa: F401
