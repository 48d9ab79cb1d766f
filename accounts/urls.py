"""Login, logout, password change and reset: Django's views under the portal's forms."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from .forms import LoginForm, PasswordResetForm

# Django's own account views (password change and reset) under the portal's forms.
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path(
        "password_reset/",
        # The mail names the commune (PasswordResetForm.send_mail reads it from its row).
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
]
