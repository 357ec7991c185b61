from django.apps import AppConfig


class ControlroomConfig(AppConfig):
    name = "vigil.controlroom"
    verbose_name = "Control room reviews"

    def ready(self):
        # This team's rules (none yet) run in the safeguarding engine.
        from vigil.controlroom import rules
        from vigil.safeguarding.api import register_rules

        register_rules(*rules.RULES)
        # Screen each log's text as it arrives: the import (and every service) sends
        # records_imported after committing, and the screener picks up new or changed logs.
        from vigil.controlroom.screening import on_records_imported
        from vigil.core.signals import records_imported

        records_imported.connect(on_records_imported, dispatch_uid="controlroom.screening")
