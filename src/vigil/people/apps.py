from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "vigil.people"
    verbose_name = "People"

    def ready(self):
        from vigil.people.linkage import receivers

        receivers.connect()
