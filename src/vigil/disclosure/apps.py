from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "vigil.disclosure"
    verbose_name = "Clare's Law (DVDS)"
