from django.urls import path

from vigil.victims import views

app_name = "victims"

urlpatterns = [
    path("", views.victim_list, name="victims"),
    path("compliance/", views.compliance, name="compliance"),
    path("crimes/<int:crime_pk>/victims/<int:person_pk>/", views.care_detail, name="care"),
    path("crimes/<int:crime_pk>/victims/<int:person_pk>/needs/", views.needs_assessment,
         name="needs"),
    path("crimes/<int:crime_pk>/victims/<int:person_pk>/contact-plan/", views.contact_plan,
         name="contact_plan"),
]
