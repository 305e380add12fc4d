from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "accord.relationships"
    verbose_name = "Relationships"

    def ready(self) -> None:
        # Registered here: the organization and person pages sit below this app.
        import datetime as dt

        from accord.core import schedule
        from accord.relationships import contributions  # noqa: F401

        schedule.every("relationships.refresh", dt.timedelta(days=1),
                       "accord.relationships.jobs.refresh_scores",
                       offset=dt.timedelta(hours=3))  # fmt: skip
