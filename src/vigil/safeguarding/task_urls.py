from django.urls import path

from vigil.safeguarding import task_views

app_name = "tasks"

urlpatterns = [
    path("<int:pk>/", task_views.task_detail, name="detail"),
]
