"""The dashboards' addresses."""

from django.urls import path

from . import views

# The names are the project's oldest and are used across every app's templates, so the
# dashboard keeps them un-namespaced.
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/print/", views.dashboard_print, name="dashboard_print"),
    path("dashboard/enterprises/", views.dashboard_enterprises, name="dashboard_enterprises"),
]
