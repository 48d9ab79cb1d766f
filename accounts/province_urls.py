"""The province administrator's addresses (accounts.province_views)."""

from django.urls import path

from . import province_views as views

app_name = "province"

urlpatterns = [
    path("communes/", views.commune_list, name="commune_list"),
    path("communes/add/", views.commune_create, name="commune_create"),
    path("communes/import/", views.commune_import, name="commune_import"),
    path("communes/import/confirm/", views.commune_import_confirm, name="commune_import_confirm"),
    path("communes/import/template.xlsx", views.commune_import_template, name="commune_import_template"),
    path("communes/<int:pk>/", views.commune_update, name="commune_update"),
    path("communes/<int:pk>/users/", views.commune_members, name="commune_members"),
    path(
        "communes/<int:pk>/users/<int:membership_pk>/remove/",
        views.commune_member_remove,
        name="commune_member_remove",
    ),
    # A merger: the form → its preview (a dry run) → confirm.
    path("communes/merge/", views.commune_merge, name="commune_merge"),
    path("communes/merge/confirm/", views.commune_merge_confirm, name="commune_merge_confirm"),
]
