from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vigil.core"
    verbose_name = "Core"
