"""The enterprise registry's addresses (the rosters' are the indicators app's)."""

from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("add/", views.enterprise_create, name="enterprise_create"),
    path("import/", views.enterprise_import, name="enterprise_import"),
    path("import/confirm/", views.enterprise_import_confirm, name="enterprise_import_confirm"),
    path("import/template.xlsx", views.enterprise_import_template, name="enterprise_import_template"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/edit/", views.enterprise_update, name="enterprise_update"),
    path("<int:pk>/contacts/", views.enterprise_contacts_update, name="enterprise_contacts_update"),
    path("<int:pk>/deactivate/", views.enterprise_deactivate, name="enterprise_deactivate"),
    path("<int:pk>/reactivate/", views.enterprise_reactivate, name="enterprise_reactivate"),
    path("<int:pk>/officers/add/", views.officer_create, name="officer_create"),
    path("<int:pk>/officers/<int:officer_pk>/", views.officer_update, name="officer_update"),
    path("<int:pk>/officers/<int:officer_pk>/password/", views.officer_password, name="officer_password"),
    path("<int:pk>/officers/<int:officer_pk>/credentials/", views.officer_credentials, name="officer_credentials"),
    path("<int:pk>/officers/<int:officer_pk>/deactivate/", views.officer_deactivate, name="officer_deactivate"),
    path("<int:pk>/officers/<int:officer_pk>/reactivate/", views.officer_reactivate, name="officer_reactivate"),
]
