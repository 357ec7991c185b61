from django.urls import path

from vigil.people import views

app_name = "people"

urlpatterns = [
    path("<int:pk>/", views.person_detail, name="detail"),
]
