"""The plan's addresses under /plan/."""

from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_detail, name="plan_detail"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_update, name="task_update"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_update, name="activity_update"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:activity_pk>/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("activities/<int:activity_pk>/evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("years/", views.annual_plan_list, name="annual_plan_list"),
    path("years/<int:year>/", views.annual_plan_detail, name="annual_plan_detail"),
    path("years/<int:year>/edit/", views.annual_plan_update, name="annual_plan_update"),
]
