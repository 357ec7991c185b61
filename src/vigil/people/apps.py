from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "vigil.people"
    verbose_name = "People"
