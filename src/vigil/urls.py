from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("vigil.core.urls")),
    path("people/", include("vigil.people.urls")),
    path("", include("vigil.people.linkage_urls")),
    path("incidents/", include("vigil.incidents.urls")),
    path("orders/", include("vigil.orders.urls")),
    path("marac/", include("vigil.marac.urls")),
    path("clares-law/", include("vigil.disclosure.urls")),
    path("encompass/", include("vigil.encompass.urls")),
    path("victims/", include("vigil.victims.urls")),
    path("queues/", include("vigil.safeguarding.urls")),
    path("tasks/", include("vigil.safeguarding.task_urls")),
    path("", include("vigil.safeguarding.work_urls")),
    path("analytics/", include("vigil.analytics.urls")),
    path("", include("vigil.controlroom.urls")),
]
