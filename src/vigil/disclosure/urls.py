from django.urls import path

from vigil.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("", views.application_list, name="applications"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/disclosure/", views.disclosure_new, name="disclosure"),
]
