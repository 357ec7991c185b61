from django.apps import AppConfig


class EncompassConfig(AppConfig):
    name = "vigil.encompass"
    verbose_name = "Operation Encompass"
