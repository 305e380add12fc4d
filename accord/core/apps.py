from django.apps import AppConfig
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    name = "accord.core"
    label = "core"

    def ready(self) -> None:
        from accord.core.text import clean_text_fields

        pre_save.connect(clean_text_fields, dispatch_uid="accord.core.clean_text_fields")
