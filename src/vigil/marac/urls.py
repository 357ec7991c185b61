from django.urls import path

from vigil.marac import views

app_name = "marac"

urlpatterns = [
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
]
