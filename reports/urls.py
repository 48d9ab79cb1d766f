"""The reports app's addresses, beside the periods' under /reports/."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/<str:code>/report/", views.report_page, name="report_page"),
    path("reports/<str:code>/report.docx", views.report_docx, name="report_docx"),
]
