"""The indicators app's addresses: /indicators/, /reports/, /api/v1/ and the rosters under /enterprises/."""

from django.urls import path

from . import api, export_views, roster_views, views

app_name = "indicators"

urlpatterns = [
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path("reports/", views.period_list, name="period_list"),
    path("reports/<str:code>/", views.period_detail, name="period_detail"),
    path("reports/<str:code>/open/", views.period_open, name="period_open"),
    path("reports/<str:code>/close/", views.period_close, name="period_close"),
    path("reports/<str:code>/deadline/", views.period_deadline, name="period_deadline"),
    path("reports/<str:code>/approve/", views.report_approve_many, name="report_approve_many"),
    path("reports/<str:code>/import/", views.report_import, name="report_import"),
    path("reports/<str:code>/import/template/", views.report_import_template, name="report_import_template"),
    path("reports/<str:code>/<int:enterprise_pk>/", views.report_detail, name="report_detail"),
    path("reports/<str:code>/<int:enterprise_pk>/enter/", views.report_enter, name="report_enter"),
    path("reports/<str:code>/<int:enterprise_pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<str:code>/<int:enterprise_pk>/return/", views.report_return, name="report_return"),
    path("reports/<str:code>/<int:enterprise_pk>/reopen/", views.report_reopen, name="report_reopen"),
    path("reports/<str:code>/export.xlsx", export_views.report_export, name="report_export"),
    path("api/v1/progress/", api.progress, name="api_progress"),
    # An enterprise's worker roster, under the enterprise's address.
    path("enterprises/<int:pk>/workers/", roster_views.worker_list, name="worker_list"),
    path("enterprises/<int:pk>/workers/add/", roster_views.worker_create, name="worker_create"),
    path("enterprises/<int:pk>/workers/import/", roster_views.worker_import, name="worker_import"),
    path(
        "enterprises/<int:pk>/workers/import/confirm/", roster_views.worker_import_confirm, name="worker_import_confirm"
    ),
    path(
        "enterprises/<int:pk>/workers/import/template.xlsx",
        roster_views.worker_import_template,
        name="worker_import_template",
    ),
    path("enterprises/<int:pk>/workers/<int:worker_pk>/", roster_views.worker_update, name="worker_update"),
    path(
        "enterprises/<int:pk>/workers/<int:worker_pk>/deactivate/",
        roster_views.worker_deactivate,
        name="worker_deactivate",
    ),
    path(
        "enterprises/<int:pk>/workers/<int:worker_pk>/reactivate/",
        roster_views.worker_reactivate,
        name="worker_reactivate",
    ),
    # Who opened which named roster: the official's record.
    path("roster-accesses/", roster_views.roster_access_list, name="roster_access_list"),
]
