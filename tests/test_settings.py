import os
import subprocess
import sys

from django.conf import settings


def run_check_deploy(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_check_deploy(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="portal.hoanghop.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check_deploy(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="x.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_openpyxl_reads_uploaded_workbooks_through_defusedxml():
    # openpyxl's documentation asks for defusedxml against XML attacks; it uses it silently
    # when installed, so the requirement must not go missing unnoticed.
    from openpyxl import xml

    assert xml.DEFUSEDXML is True
