from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vigil.core"
    verbose_name = "Core"

    def ready(self):
        from vigil.core import auth, checks  # noqa: F401  (signal receivers and checks)

        auth.connect_axes()
