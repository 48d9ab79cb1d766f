"""The project's URLconf: each app's addresses under its prefix."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("dashboard.urls")),
    path("accounts/", include("accounts.urls")),
    # The province administrator's pages (the communes), served by the accounts layer.
    path("province/", include("accounts.province_urls")),
    # The commune chooser; /x/<slug>/… is every page below under a commune (communes.current).
    path("x/", include("communes.urls")),
    path("plan/", include("plans.urls")),
    path("enterprises/", include("enterprises.urls")),
    # reports serves /reports/<code>/report/ and its .docx, beside the periods' pages.
    path("", include("reports.urls")),
    # indicators serves /reports/, /indicators/ and /api/v1/ (see indicators/urls.py).
    path("", include("indicators.urls")),
    # The province's roll-up of every commune (/tinh/) and its API (/api/v1/province/).
    path("", include("province.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
