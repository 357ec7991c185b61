from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "vigil.disclosure"
    verbose_name = "Clare's Law (DVDS)"

    def ready(self):
        # This team's rules run in the safeguarding engine, which imports no team app.
        from vigil.disclosure import rules
        from vigil.safeguarding.api import register_rules

        register_rules(*rules.RULES)
