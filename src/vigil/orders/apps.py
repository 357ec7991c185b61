from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "vigil.orders"
    verbose_name = "Protective orders"

    def ready(self):
        # This team's rules run in the safeguarding engine, which imports no team app.
        from vigil.orders import rules
        from vigil.safeguarding.api import register_rules

        register_rules(*rules.RULES)
