from django.apps import AppConfig


class ControlroomConfig(AppConfig):
    name = "vigil.controlroom"
    verbose_name = "Control room reviews"

    def ready(self):
        # This team's rules (none yet) run in the safeguarding engine.
        from vigil.controlroom import rules
        from vigil.safeguarding.api import register_rules

        register_rules(*rules.RULES)
        # The log-review sample is drawn after the rules, like the QA dip sample.
        from vigil.controlroom import sampling
        from vigil.safeguarding.api import register_draw

        register_draw("log_review_sample", sampling.draw_and_report)
        # The control room's and the DA desk's pages in the menu.
        from vigil.core import roles
        from vigil.core.context_processors import NAV_ITEMS, NavItem

        for item in (NavItem("Log reviews", "controlroom:samples", roles.REVIEW_LOG,
                             "Sampled control-room logs to review, with the screening marks."),
                     NavItem("DA desk", "controlroom:desk",
                             roles.view_queue("referral_allocation"),
                             "New DA incidents for a Rapid Video Response, with their "
                             "clocks.")):
            if item not in NAV_ITEMS:
                NAV_ITEMS.insert(-3, item)
        # Screen each log's text as it arrives: the import (and every service) sends
        # records_imported after committing, and the screener picks up new or changed logs.
        from vigil.controlroom.screening import on_records_imported
        from vigil.core.signals import records_imported

        records_imported.connect(on_records_imported, dispatch_uid="controlroom.screening")
