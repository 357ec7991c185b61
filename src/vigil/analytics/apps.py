from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "vigil.analytics"
    verbose_name = "Analytics"
