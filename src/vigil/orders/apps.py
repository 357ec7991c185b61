from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "vigil.orders"
    verbose_name = "Protective orders"
