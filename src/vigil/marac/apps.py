from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "vigil.marac"
    verbose_name = "MARAC"

    def ready(self):
        # This team's rules run in the safeguarding engine, which imports no team app.
        from vigil.marac import rules
        from vigil.safeguarding.api import register_rules

        register_rules(*rules.RULES)
