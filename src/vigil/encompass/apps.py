from django.apps import AppConfig


class EncompassConfig(AppConfig):
    name = "vigil.encompass"
    verbose_name = "Operation Encompass"

    def ready(self):
        # This team's rules run in the safeguarding engine, which imports no team app.
        from vigil.encompass import rules
        from vigil.safeguarding.api import register_rules

        register_rules(*rules.RULES)
        # The forms that complete this team's tasks (safeguarding.task_forms.TASK_RECORDS).
        from vigil.encompass import forms
        from vigil.safeguarding.task_forms import register_task_form

        register_task_form("encompass.notification", forms.NotificationForm)
        register_task_form("encompass.screening", forms.ScreeningForm)
        register_task_form("encompass.referral", forms.ReferralForm)
        # The school is told when the mail server accepts the email.
        from vigil.core import jobs
        from vigil.core.mail import email_failed
        from vigil.encompass.services import on_email_failed

        email_failed.connect(on_email_failed, dispatch_uid="encompass-email-failed")
        jobs.schedule("encompass-deliveries", "vigil.encompass.services.deliveries_job",
                      cron="* * * * *")
        # Its page in the menu (core.context_processors.NAV_ITEMS).
        from vigil.core.context_processors import NAV_ITEMS, NavItem, add_nav_item
        from vigil.core.roles import view_queue

        add_nav_item(NAV_ITEMS, NavItem("Encompass", "encompass:triage", view_queue("encompass"),
                                 "Children still to notify to their school, earliest "
                                 "deadline first, by local authority."))
