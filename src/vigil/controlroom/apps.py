from django.apps import AppConfig


class ControlroomConfig(AppConfig):
    name = "vigil.controlroom"
    verbose_name = "Control room reviews"

    def ready(self):
        # This team's rules (none yet) run in the safeguarding engine.
        from vigil.controlroom import rules
        from vigil.safeguarding.api import register_rules

        register_rules(*rules.RULES)
