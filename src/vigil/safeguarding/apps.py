from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "vigil.safeguarding"
    verbose_name = "Safeguarding"

    def ready(self):
        from vigil.core.context_processors import NAV_ITEMS, NavItem

        # Our entry in the web app's navigation (the core context processor shows it to
        # users who can see any queue).
        if not any(item.url_name == "safeguarding:queues" for item in NAV_ITEMS):
            NAV_ITEMS.append(NavItem("My work", "work:mine", "complete_task:*",
                                     "The tasks you hold across your teams, overdue first."))
            NAV_ITEMS.append(NavItem("Queues", "safeguarding:queues", "view_queue:*",
                                     "Timed safeguarding work for your teams, overdue first."))
            NAV_ITEMS.append(NavItem("Notices", "work:notices", "view_queue:*",
                                     "Tasks assigned to you, high-risk cases, work due soon."))
        self._home_and_jobs()
        # The import (and every team service) sends records_imported after committing
        # records; the rules then run for the persons they touched.
        from vigil.core.signals import records_imported
        from vigil.safeguarding.receivers import on_records_imported

        records_imported.connect(on_records_imported,
                                 dispatch_uid="safeguarding.on_records_imported")

    @staticmethod
    def _home_and_jobs():
        from vigil.core import jobs
        from vigil.core.home import HOME_PANELS, HomePanel

        if not any(p.template == "safeguarding/_home_work.html" for p in HOME_PANELS):
            from vigil.safeguarding.work_views import home_panel

            HOME_PANELS.append(HomePanel("safeguarding/_home_work.html", home_panel))
        # Notices are swept every quarter hour (idempotent); the digest goes at 06:30,
        # before the early shift's briefing.
        jobs.schedule("notices-sweep", "vigil.safeguarding.notices.sweep_job",
                      cron="*/15 * * * *")
        jobs.schedule("daily-digest", "vigil.safeguarding.notices.digest_job",
                      cron="30 6 * * *")
