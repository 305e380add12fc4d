import datetime as dt

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "accord.notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from accord.core import events, schedule
        from accord.notifications import webhooks

        # Deliveries and their tasks are written with the change that caused them.
        events.listen(webhooks.on_event, in_transaction=True)
        schedule.every("notifications.alerts", dt.timedelta(minutes=15),
                       "accord.notifications.jobs.raise_alerts")  # fmt: skip
        schedule.every("notifications.daily-digest", dt.timedelta(days=1),
                       "accord.notifications.jobs.daily_digest",
                       offset=dt.timedelta(hours=7))  # fmt: skip
        schedule.every("notifications.weekly-digest", dt.timedelta(weeks=1),
                       "accord.notifications.jobs.weekly_digest",
                       offset=dt.timedelta(hours=7))  # fmt: skip
        schedule.every("notifications.prune", dt.timedelta(days=1),
                       "accord.notifications.jobs.prune", offset=dt.timedelta(hours=4))  # fmt: skip
