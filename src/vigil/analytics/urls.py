from django.urls import path

from vigil.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("kpi/<slug:kpi_id>/", views.kpi, name="kpi"),
    path("kpi/<slug:kpi_id>/download.<str:fmt>", views.download, name="download"),
    path("rag/", views.rag_overrides, name="rag"),
]
