from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "vigil.marac"
    verbose_name = "MARAC"

    def ready(self):
        # This team's rules run in the safeguarding engine, which imports no team app.
        from vigil.marac import rules
        from vigil.safeguarding.api import register_rules

        register_rules(*rules.RULES)
        # The forms that complete this team's tasks (safeguarding.task_forms.TASK_RECORDS).
        from vigil.marac import forms
        from vigil.safeguarding.task_forms import register_task_form

        register_task_form("marac.referral", forms.ReferralForm)
        register_task_form("marac.idva_referral", forms.IdvaReferralForm)
        register_task_form("marac.hearing", forms.HearingForm)
        register_task_form("marac.action", forms.ActionTaskForm)
