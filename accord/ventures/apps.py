import datetime as dt

from django.apps import AppConfig


class VenturesConfig(AppConfig):
    name = "accord.ventures"
    verbose_name = "Ventures"

    def ready(self) -> None:
        from accord.core import schedule

        schedule.every("ventures.kpi-reminders", dt.timedelta(days=1),
                       "accord.ventures.jobs.remind_kpi_requests",
                       offset=dt.timedelta(hours=9))  # fmt: skip
