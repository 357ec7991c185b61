from django.urls import path

from vigil.incidents import views

app_name = "incidents"

urlpatterns = [
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("arrests/<int:pk>/", views.arrest_detail, name="arrest"),
]
