from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "accord.governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        # Registered here: the partnership page sits below this app.
        from accord.governance import contributions, workspace_views  # noqa: F401
