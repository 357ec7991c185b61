from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "vigil.incidents"
    verbose_name = "Incidents and crimes"
