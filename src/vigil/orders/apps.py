from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "vigil.orders"
    verbose_name = "Protective orders"

    def ready(self):
        # This team's rules run in the safeguarding engine, which imports no team app.
        from vigil.orders import rules
        from vigil.safeguarding.api import register_rules

        register_rules(*rules.RULES)
        # The search form's areas, kept a minute per worker, are dropped when one changes.
        from django.db.models.signals import post_delete, post_save

        from vigil.core.models import Area
        from vigil.orders.queries import forget_search_areas

        post_save.connect(forget_search_areas, sender=Area, dispatch_uid="orders-areas")
        post_delete.connect(forget_search_areas, sender=Area, dispatch_uid="orders-areas-del")
        # The forms that complete this team's tasks (safeguarding.task_forms.TASK_RECORDS).
        from vigil.orders import forms
        from vigil.safeguarding.task_forms import register_task_form

        register_task_form("orders.order_check", forms.OrderCheckForm)
        register_task_form("orders.notification", forms.NotificationForm)
        # The daily email of new and live orders to each LPA, before the morning meetings.
        from vigil.core import jobs

        jobs.schedule("orders-daily-email", "vigil.orders.daily.daily_job", cron="0 7 * * *")
        # Its pages in the menu (core.context_processors.NAV_ITEMS): the civil orders
        # team's register and search; the daily meeting lists for local policing.
        from vigil.core.context_processors import NAV_ITEMS, NavItem, add_nav_item
        from vigil.core.roles import complete_task, view_queue

        add_nav_item(NAV_ITEMS, NavItem(
            "Court orders", "orders:search", complete_task("civil_orders"),
            "Live orders by area, neighbourhood, postcode, type and end "
            "date; serve a notice; record hearings and variations."))
        # LPA commanders and local policing supervisors search the orders of their area.
        add_nav_item(NAV_ITEMS, NavItem(
            "Court orders", "orders:search", view_queue("local_policing"),
            "Live orders by area, neighbourhood, postcode, type and end date."))
        add_nav_item(NAV_ITEMS, NavItem("Daily meeting lists", "orders:meetings",
                                 view_queue("local_policing"),
                                 "Breaches for arrest, serial perpetrators, wanted suspects, "
                                 "bail and RUI coming due, escalations and checks."))
