from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "vigil.safeguarding"
    verbose_name = "Safeguarding"

    def ready(self):
        from vigil.core.context_processors import NAV_ITEMS, NavItem

        # Our entry in the web app's navigation (the core context processor shows it to
        # users who can see any queue).
        if not any(item.url_name == "safeguarding:queues" for item in NAV_ITEMS):
            NAV_ITEMS.append(NavItem("Queues", "safeguarding:queues", "view_queue:*",
                                     "Timed safeguarding work for your teams, overdue first."))
        # The import (and every team service) sends records_imported after committing
        # records; the rules then run for the persons they touched.
        from vigil.core.signals import records_imported
        from vigil.safeguarding.receivers import on_records_imported

        records_imported.connect(on_records_imported,
                                 dispatch_uid="safeguarding.on_records_imported")
