from django.urls import path

from vigil.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("applications/<int:pk>/", views.application_detail, name="application"),
]
