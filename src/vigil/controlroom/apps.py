from django.apps import AppConfig


class ControlroomConfig(AppConfig):
    name = "vigil.controlroom"
    verbose_name = "Control room reviews"

    def ready(self):
        # Screen each log's text as it arrives: the import sends records_imported after
        # every committed import, and the screener picks up the new or changed logs.
        from vigil.controlroom.screening import on_records_imported
        from vigil.ingest.signals import records_imported

        records_imported.connect(on_records_imported, dispatch_uid="controlroom.screening")
