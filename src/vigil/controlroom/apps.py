from django.apps import AppConfig


class ControlroomConfig(AppConfig):
    name = "vigil.controlroom"
    verbose_name = "Control room reviews"
