from django.apps import AppConfig


class LinkageConfig(AppConfig):
    """Linkage's own tables (the queue of linkage waiting to be retried)."""

    name = "vigil.people.linkage"
    label = "linkage"
    verbose_name = "Record linkage"
    default_auto_field = "django.db.models.BigAutoField"
