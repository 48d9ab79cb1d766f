import os
import subprocess
import sys

from django.conf import settings


def run_check_deploy(**env):
    """`check --deploy` on a database not migrated yet, whose first migration of the communes
    app would copy the settings: so the settings are what it judges (tests/communes/test_checks.py
    judges a commune's row), whatever the developer's own database holds."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    environment["DATABASE_URL"] = "sqlite:///:memory:"
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "portal.hoanghop.example",
}
# A commune as it is since the reform of 1/7/2025 (names for the test, not a real roll).
IDENTITY = {
    "PORTAL_COMMUNE_NAME": "Hoằng Giang",
    "PORTAL_COMMUNE_CODE": "99999",
    "PORTAL_COMMUNE_BODY": "Ủy ban nhân dân xã Hoằng Giang",
    "PORTAL_SUPERIOR_BODY": "Ủy ban nhân dân tỉnh Thanh Hóa",
    "PORTAL_REPORT_ADDRESSEE": "Liên đoàn Lao động tỉnh Thanh Hóa",
    "PORTAL_COMMUNE_LEADERS": "Chủ tịch: Phạm Văn Kiên; Phó Chủ tịch: Đỗ Thị Mai",
}


def test_check_deploy_is_clean_under_production_settings():
    result = run_check_deploy(**PRODUCTION, **IDENTITY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_demo_identity_and_says_what_to_set():
    result = run_check_deploy(**PRODUCTION)
    assert result.returncode != 0
    for name in ("PORTAL_COMMUNE_NAME", "PORTAL_COMMUNE_CODE", "PORTAL_COMMUNE_BODY", "PORTAL_COMMUNE_LEADERS"):
        assert f"{name} is " in result.stderr, name
    assert "still the demo's value" in result.stderr and "README, Configuration" in result.stderr


def test_check_deploy_refuses_a_district():
    result = run_check_deploy(
        **PRODUCTION, **{**IDENTITY, "PORTAL_REPORT_ADDRESSEE": "Liên đoàn Lao động huyện Hoằng Hóa"}
    )
    assert result.returncode != 0
    assert "PORTAL_REPORT_ADDRESSEE names a district, a level that ended on 1/7/2025" in result.stderr


def test_the_demo_defaults_name_no_district():
    for name in ("PORTAL_COMMUNE_BODY", "PORTAL_SUPERIOR_BODY", "PORTAL_REPORT_ADDRESSEE"):
        assert "huyện" not in getattr(settings, name)
    assert settings.PORTAL_COMMUNE_LEADERS[0] == ("Chủ tịch", "Nguyễn Văn An")


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check_deploy(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="x.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_openpyxl_reads_uploaded_workbooks_through_defusedxml():
    # openpyxl's documentation asks for defusedxml against XML attacks; it uses it silently
    # when installed, so the requirement must not go missing unnoticed.
    from openpyxl import xml

    assert xml.DEFUSEDXML is True


def test_the_wsgi_application_keeps_what_it_loaded_out_of_full_garbage_collections():
    """gunicorn's entry point freezes the objects loaded at start-up (gc.freeze): a full
    collection then walks only what requests made."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    environment["DATABASE_URL"] = "sqlite:///:memory:"
    script = "import gc, hoanghop.wsgi; print(gc.get_freeze_count(), callable(hoanghop.wsgi.application))"
    found = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    frozen, callable_ = found.stdout.split()
    assert int(frozen) > 10_000 and callable_ == "True", found.stderr
