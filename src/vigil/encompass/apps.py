from django.apps import AppConfig


class EncompassConfig(AppConfig):
    name = "vigil.encompass"
    verbose_name = "Operation Encompass"

    def ready(self):
        # This team's rules run in the safeguarding engine, which imports no team app.
        from vigil.encompass import rules
        from vigil.safeguarding.api import register_rules

        register_rules(*rules.RULES)
