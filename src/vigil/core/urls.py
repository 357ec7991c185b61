from django.contrib.auth import views as auth_views
from django.urls import path

from vigil.core import twofactor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
    path("outbox/", views.outbox, name="outbox"),
    path("account/two-factor/", twofactor.two_factor, name="two-factor"),
    path("healthz", views.healthz, name="healthz"),
]
