from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "vigil.victims"
    verbose_name = "Victims' Code"
