"""The province's addresses: its roll-up under /tinh/ and its API under /api/v1/province/.

Named `rollup:` (the `province:` namespace is the province administrator's communes pages,
accounts.province_urls)."""

from django.urls import path

from . import api, views

app_name = "rollup"

urlpatterns = [
    path("tinh/", views.province_progress, name="province_progress"),
    path("tinh/xa/<str:code>/", views.commune_detail, name="commune_detail"),
    path("tinh/muc-tieu/", views.targets_update, name="targets_update"),
    path("tinh/export.xlsx", views.province_export, name="province_export"),
    path("api/v1/province/progress/", api.province_progress, name="api_progress"),
]
