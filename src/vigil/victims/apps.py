from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "vigil.victims"
    verbose_name = "Victims' Code"

    def ready(self):
        # This team's rules run in the safeguarding engine, which imports no team app.
        from vigil.safeguarding.api import register_rules
        from vigil.victims import rules

        register_rules(*rules.RULES)
