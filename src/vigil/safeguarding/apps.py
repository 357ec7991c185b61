from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "vigil.safeguarding"
    verbose_name = "Safeguarding"
