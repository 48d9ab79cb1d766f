from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/print/", views.dashboard_print, name="dashboard_print"),
    path("dashboard/enterprises/", views.dashboard_enterprises, name="dashboard_enterprises"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("plan/", include("plans.urls")),
    path("enterprises/", include("enterprises.urls")),
    # indicators owns /reports/, /indicators/ and /api/v1/.
    path("", include("indicators.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
