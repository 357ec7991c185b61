from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import path


def home(request):
    return HttpResponse("Vigil")


urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", lambda r: HttpResponse("ok"), name="healthz"),
]
