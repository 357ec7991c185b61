from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "vigil.victims"
    verbose_name = "Victims' Code"

    def ready(self):
        # This team's rules run in the safeguarding engine, which imports no team app.
        from vigil.safeguarding.api import register_rules
        from vigil.victims import rules

        register_rules(*rules.RULES)
        # The forms that complete this team's tasks (safeguarding.task_forms.TASK_RECORDS).
        from vigil.safeguarding.task_forms import register_task_form
        from vigil.victims import forms

        register_task_form("victims.update", forms.VictimUpdateForm)
        register_task_form("victims.support_referral", forms.SupportReferralForm)
        # Its pages in the menu (core.context_processors.NAV_ITEMS).
        from vigil.core.context_processors import NAV_ITEMS, NavItem, add_nav_item

        add_nav_item(NAV_ITEMS, NavItem(
            "Victims' Code", "victims:victims", "view_queue:victim_care",
            "Needs assessments, contact plans and updates to victims."))
