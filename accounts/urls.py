from django.contrib.auth import views as auth_views
from django.urls import include, path

from .forms import LoginForm

# Django's own account views (password change and reset) under the portal's login form.
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("", include("django.contrib.auth.urls")),
]
