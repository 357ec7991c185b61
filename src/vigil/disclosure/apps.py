from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "vigil.disclosure"
    verbose_name = "Clare's Law (DVDS)"

    def ready(self):
        # This team's rules run in the safeguarding engine, which imports no team app.
        from vigil.disclosure import rules
        from vigil.safeguarding.api import register_rules

        register_rules(*rules.RULES)
        # The forms that complete this team's tasks (safeguarding.task_forms.TASK_RECORDS).
        from vigil.disclosure import forms
        from vigil.safeguarding.task_forms import register_task_form

        register_task_form("disclosure.initial_checks", forms.InitialChecksForm)
        register_task_form("disclosure.decision", forms.DecisionForm)
        register_task_form("disclosure.disclosure", forms.DisclosureTaskForm)
        # Its pages in the menu (core.context_processors.NAV_ITEMS).
        from vigil.core.context_processors import NAV_ITEMS, NavItem, add_nav_item

        add_nav_item(NAV_ITEMS, NavItem(
            "Clare's Law", "disclosure:applications", "view_queue:clares_law",
            "Right to Ask and Right to Know applications and disclosures."))
