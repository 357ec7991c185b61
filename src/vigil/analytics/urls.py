from django.urls import path

from vigil.analytics import report_views, views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("kpi/<slug:kpi_id>/", views.kpi, name="kpi"),
    path("kpi/<slug:kpi_id>/download.<str:fmt>", views.download, name="download"),
    path("rag/", views.rag_overrides, name="rag"),
    path("reports/", report_views.reports, name="reports"),
    path("reports/cover/<str:year>/", report_views.cover, name="cover"),
    path("reports/lead/<str:ref>/", report_views.lead, name="lead"),
    path("reports/<int:pk>/", report_views.edition, name="edition"),
    path("reports/<int:pk>/report.html", report_views.edition_html, name="edition_html"),
    path("reports/<int:pk>/download.<str:fmt>", report_views.edition_download,
         name="edition_download"),
    path("commentary/<str:year>/<str:ref>/", report_views.commentary, name="commentary"),
]
