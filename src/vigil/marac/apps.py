from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "vigil.marac"
    verbose_name = "MARAC"
