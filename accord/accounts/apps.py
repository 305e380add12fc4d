from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "accord.accounts"
    label = "accounts"

    def ready(self) -> None:
        checks.register(single_sign_on_settings)


def single_sign_on_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    from accord.accounts.single_sign_on import configuration_problems

    return [checks.Error(problem, id="accord.E101") for problem in configuration_problems()]
