from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "vigil.risk"
    verbose_name = "Risk assessment"

    def ready(self):
        # This team's rules run in the safeguarding engine, which imports no team app.
        from vigil.risk import qa, rules
        from vigil.safeguarding.api import register_draw, register_rules

        register_rules(*rules.RULES)
        register_draw("qa_dip_sample", qa.draw_and_report)
        # The forms that complete this team's tasks (safeguarding.task_forms.TASK_RECORDS).
        from vigil.risk import forms
        from vigil.safeguarding.task_forms import register_task_form

        register_task_form("risk.dip_sample", forms.DipSampleForm)
        register_task_form("risk.supervision", forms.SupervisionForm)
        register_task_form("risk.allocation", forms.AllocationForm)
