"""The communes app's address: the chooser, at /x/ (a commune's own pages are /x/<slug>/…)."""

from django.urls import path

from . import views

app_name = "communes"

urlpatterns = [
    path("", views.commune_choose, name="choose"),
]
