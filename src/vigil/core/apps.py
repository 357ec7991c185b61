from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vigil.core"
    verbose_name = "Core"

    def ready(self):
        from vigil.core import auth, deploy_checks  # noqa: F401  (signal receivers, checks)

        auth.connect_axes()
        from vigil.core import jobs

        jobs.connect()

        jobs.schedule("mail-retry", "vigil.core.mail.retry_job", cron="* * * * *")
