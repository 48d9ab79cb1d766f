"""Every URL of the portal, requested by every role, with GET and (where the view changes
data) with POST: the access matrix (STYLE.md 9, after pretix's permission tests).

The URLs come from the URLconf itself, so a new page cannot be forgotten: a URL name
missing from PAGES fails, and so does an entry of PAGES whose URL is gone. Only the
`admin:` namespace is left out; Django guards it itself (is_staff), and the last test
checks that no portal role is staff.

What each role must get:
- anonymous: the login page (a JSON 403 from the API, 405 where the method is refused
  before anything else);
- an officer: their own enterprise only: 404 for another enterprise's objects, 403 for
  commune pages they may not use;
- the district viewer: reads, never changes: every POST is refused; and never a named
  worker: the roster's pages answer 403 (the enterprise's page shows the roster's counts);
- the official: everything (200, or 302 where the page redirects by design);
- the province administrator: the province's pages (the communes, the province's targets,
  the roll-up) and nothing of the commune's: 403 on its pages, 404 on its objects (she is
  nobody's officer), 405 before that where the method is refused first. The commune's people
  get 403 on her pages;
- the province viewer: the roll-up (/tinh/, its drill-in, workbook and API) and nothing else:
  like the province administrator on every commune page (403, or 404 on an object), so never
  a named worker, and 403 on the administrator's pages.

Around every request the database is fingerprinted (row counts, the newest history date,
the user accounts, the uploaded files, the mail sent; not the record of who read a named
roster, which every such reading adds to): it may change only where the table says the
role's POST succeeds, and there it must change, so the POSTed data is
known to be good enough to have done harm.

The world (the real plan, enterprises A, B and an inactive C, reports, a roster,
activities with evidence files…) is built once for the module inside a transaction that
is rolled back at the end; each case runs in its own savepoint (the normal per-test
transaction), so every case starts from the same state.
"""

from __future__ import annotations

import datetime
import functools
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_scopes import scopes_disabled
from openpyxl import Workbook

from accounts.roles import OFFICER
from communes.models import Commune
from core.uploads import import_token
from core.xlsx_reading import stage_upload
from indicators.models import EnterpriseReport, Indicator, PeriodState, ReportingPeriod, ReportStatus
from plans import services as plan_services
from plans.models import Activity, Evidence, Task
from plans.uploads import check_evidence_files
from reports.models import Narrative, ReportKind

from . import factories
from .conftest import served_commune

ROLES = ("anonymous", "officer_a", "officer_b", "viewer", "official", "province_admin", "province_viewer")
LOGIN = "login"  # 302 to the login page
REDIRECT = "redirect"  # 302 anywhere else
OPEN = "2026-H1"  # open; A's report submitted, B's approved
OPEN_EMPTY = "2026"  # open; nobody has reported yet
CLOSED = "2025"  # closed; A and B approved
ADMIN_NAMESPACE = "admin"


# --- the expectations ----------------------------------------------------------------


def answers(
    *, anonymous=LOGIN, officer_a, officer_b, viewer, official, province_admin=403, province_viewer=None
) -> dict[str, object]:
    """How each role is answered; the province's roles, who hold no commune role, are
    refused (403) unless the line says otherwise; the province viewer as the province
    administrator unless the line says otherwise."""
    return {
        "anonymous": anonymous,
        "officer_a": officer_a,
        "officer_b": officer_b,
        "viewer": viewer,
        "official": official,
        "province_admin": province_admin,
        "province_viewer": province_admin if province_viewer is None else province_viewer,
    }


def but(base: dict, **changes) -> dict:
    return {**base, **changes}


EVERYONE = answers(officer_a=200, officer_b=200, viewer=200, official=200)
COMMUNE = answers(officer_a=403, officer_b=403, viewer=200, official=200)
OFFICIAL = answers(officer_a=403, officer_b=403, viewer=403, official=200)
A_READ = answers(officer_a=200, officer_b=404, viewer=200, official=200)  # A's object, read
A_CHANGE = answers(officer_a=200, officer_b=404, viewer=403, official=200)  # A's object, changed
A_OFFICIAL = answers(officer_a=403, officer_b=404, viewer=403, official=200)  # A's, official only
RECORDER = answers(officer_a=200, officer_b=200, viewer=403, official=200)  # who records activities
# @require_POST outside the access check: every GET is 405, before anything is looked up.
POST_ONLY = answers(anonymous=405, officer_a=405, officer_b=405, viewer=405, official=405, province_admin=405)
PUBLIC = answers(anonymous=200, officer_a=200, officer_b=200, viewer=200, official=200, province_admin=200)
ALL_REDIRECTED = answers(
    anonymous=REDIRECT,
    officer_a=REDIRECT,
    officer_b=REDIRECT,
    viewer=REDIRECT,
    official=REDIRECT,
    province_admin=REDIRECT,
)
# The province administrator's pages: hers alone.
PROVINCE = answers(officer_a=403, officer_b=403, viewer=403, official=403, province_admin=200, province_viewer=403)
# The province's roll-up: both province roles read it.
PROVINCE_READ = answers(officer_a=403, officer_b=403, viewer=403, official=403, province_admin=200)
SIGNED_IN = ("officer_a", "officer_b", "viewer", "official", "province_admin", "province_viewer")


@dataclass(frozen=True)
class Page:
    """How one URL answers each role.

    `post` is None for a page that changes nothing; else the POST's answers, `data`
    builds the body (from the world and the posting user) and `changes` lists the roles
    whose POST must change the database (everybody else's must change nothing).
    """

    kwargs: Callable[[SimpleNamespace], dict]
    get: dict[str, object]
    post: dict[str, object] | None = None
    data: Callable[[SimpleNamespace, object], dict] = lambda w, user: {}
    changes: tuple[str, ...] = ()
    variant: str = ""


def none(w):
    return {}


def enterprise_a(w):
    return {"pk": w.enterprise_a}


def officer_of_a(w):
    return {"pk": w.enterprise_a, "officer_pk": w.officer_a2}


def worker_of_a(w):
    return {"pk": w.enterprise_a, "worker_pk": w.worker}


def period(code):
    return lambda w: {"code": code}


def report_of(code, enterprise):
    return lambda w: {"code": code, "enterprise_pk": getattr(w, enterprise)}


# POST bodies: valid, so that a POST that got through would really change something.


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows, name="tep.xlsx"):
    return SimpleUploadedFile(
        name, xlsx(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


ENTERPRISE_ROWS = [["Tên doanh nghiệp", "Mã số thuế"], ["Công ty TNHH Mới Nhập", "2800000077"]]
COMMUNE_ROWS = [["Mã đơn vị hành chính", "Tên", "Loại"], ["16015", "Hoằng Giang", "Xã"]]
ROSTER_ROWS = [["Mã nhân viên", "Họ và tên", "Giới tính"], ["NV-NHAP-1", "Lê Thị Nhập", "Nữ"]]


def task_data(w, user):
    task = Task.objects.get(pk=w.task)
    return {
        "version": task.version,
        "status": "in_progress",
        "lead_unit": task.lead_unit_id,
        "progress_notes": "Đã triển khai tuyên truyền tại các doanh nghiệp.",
    }


def activity_data(w, user):
    return {
        "task": w.task,
        "date": "2025-10-03",
        "title": "Tuần lễ hưởng ứng học tập suốt đời",
        "place": "Nhà văn hoá xã",
        "workers_reached": "30",
        "description": "Phát thanh.",
    }


def enterprise_data(w, user):
    return {
        "name": "Công ty TNHH May mặc An Phát",
        "tax_code": "2800000001",
        "legal_form": "single_member_llc",
        "sector": "Dệt may",
        "address": "Thôn 5",
        "has_union": "on",
        "union_name": "Công đoàn cơ sở An Phát",
        "phone": "0237 3861 234",
        "email": "lh@anphat.vn",
    }


def new_enterprise_data(w, user):
    return {**enterprise_data(w, user), "name": "Công ty CP Mới", "tax_code": "2800000066"}


def contacts_data(w, user):
    return {"phone": "0912 345 678", "email": "congdoan@anphat.vn", "union_name": "Công đoàn An Phát"}


def officer_data(w, user):
    return {
        "full_name": "Đỗ Văn Hùng",
        "email": "hung.moi@example.com",
        "phone": "0912 000 111",
        "position": "Phó Chủ tịch Công đoàn cơ sở",
    }


def new_officer_data(w, user):
    return {**officer_data(w, user), "username": "congdoan.moi", "delivery": "show"}


def worker_data(w, user):
    return {
        "employee_code": "NV-MOI",
        "full_name": "Nguyễn Thị Mới",
        "sex": "female",
        "birth_year": "1996",
        "job": "Công nhân may",
    }


def enterprise_import_token(w, user):
    name = stage_upload(xlsx_upload(ENTERPRISE_ROWS))
    return {"token": import_token("enterprises", name, user)} if user else {}


def commune_import_token(w, user):
    name = stage_upload(xlsx_upload(COMMUNE_ROWS))
    return {"token": import_token("communes", name, user)} if user else {}


def merger_data(w, user):
    """A former commune with no data of its own, merged into the served one."""
    former = factories.CommuneFactory(code="99201", name="Cũ Sáp Nhập", slug="cu-sap-nhap")
    served = Commune.objects.get(pk=w.commune)
    return {"sources": former.code, "into": served.code, "date": "01/07/2025"}


def commune_data(w, user, *, code="16015", name="Hoằng Giang"):
    return {
        "code": code,
        "name": name,
        "kind": "commune",
        "body": f"Ủy ban nhân dân xã {name}",
        "superior": "Ủy ban nhân dân tỉnh Thanh Hóa",
        "addressee": "Liên đoàn Lao động tỉnh Thanh Hóa",
        "leaders-TOTAL_FORMS": "1",
        "leaders-INITIAL_FORMS": "0",
        "leaders-0-order": "1",
        "leaders-0-name": "Phạm Văn Kiên",
        "leaders-0-position": "Chủ tịch",
        "leaders-0-may_sign": "on",
    }


def province_targets_data(w, user):
    data = {}
    for code, (by_2025, by_2030) in {"a": (75, 90), "b": (50, 75), "c": (50, 75), "d": (40, 65), "e": (30, 50)}.items():
        data[f"target_{code}_2025"], data[f"target_{code}_2030"] = str(by_2025), str(by_2030)
    return data


def roster_import_token(w, user):
    name = stage_upload(xlsx_upload(ROSTER_ROWS))
    return (
        {"token": import_token("roster", name, user, enterprise=w.enterprise_a, deactivate_missing=False)}
        if user
        else {}
    )


def figures(**extra):
    data = {
        "total_workers": "120",
        "female_workers": "70",
        "count_a": "100",
        "count_b": "80",
        "count_c": "70",
        "count_d": "70",
        "count_e": "40",
        "notes": "",
        "confirm": "on",
    }
    return {**data, **extra}


def report_version(code, enterprise):
    def data(w, user):
        report = EnterpriseReport.objects.get(period__code=code, enterprise_id=getattr(w, enterprise))
        return {"version": report.version, "reason": "Số liệu lao động nữ chưa khớp bảng lương."}

    return data


def approve_many_data(w, user):
    report = EnterpriseReport.objects.get(period__code=OPEN, enterprise_id=w.enterprise_a)
    return {"report": [report.pk], f"version-{report.pk}": report.version}


def indicator_data(w, user):
    indicator = Indicator.objects.get(plan__code=w.plan_code, code="a")
    data = {
        "version": indicator.version,
        "name": indicator.name,
        "description": "Đã sửa mô tả.",
        "baseline": "",
        "baseline_year": indicator.baseline_year,
    }
    data.update({f"target_{t.year}": str(t.value) for t in indicator.targets.all()})
    return data


def report_file(w, user):
    header = [
        "Mã số thuế",
        "Tổng số CNLĐ",
        "Lao động nữ",
        *Indicator.objects.filter(plan__code=w.plan_code).order_by("order", "code").values_list("name", flat=True),
    ]
    return {"file": xlsx_upload([header, ["2800000002", 100, 50, 90, 70, 60, 60, 30]])}


def login_data(w, user):
    return {"username": "lan.official", "password": factories.PASSWORD}


def password_change_data(w, user):
    return {
        "old_password": factories.PASSWORD,
        "new_password1": "Mật-khẩu-mới-2031",
        "new_password2": "Mật-khẩu-mới-2031",
    }


def reset_link(w):
    user = get_user_model().objects.get(pk=w.users["officer_a"])
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


# URL name -> the page (or several, for objects seen from different sides).
PAGES: dict[str, Page | tuple[Page, ...]] = {
    # --- the portal's own pages ---
    # The province administrator's front page points to her communes.
    "home": Page(none, but(EVERYONE, province_admin=200, province_viewer=200)),
    "dashboard_print": Page(none, COMMUNE),
    "dashboard_enterprises": Page(none, COMMUNE),
    # --- accounts (django.contrib.auth) and languages ---
    "login": Page(
        none,
        but(ALL_REDIRECTED, anonymous=200),  # a signed-in user is sent home
        post=ALL_REDIRECTED,
        data=login_data,
    ),
    # Logging out is a POST (Django 5); it only ends the session.
    "logout": Page(
        none,
        but(POST_ONLY),
        post=answers(
            anonymous=LOGIN, officer_a=LOGIN, officer_b=LOGIN, viewer=LOGIN, official=LOGIN, province_admin=LOGIN
        ),
    ),
    "password_change": Page(
        none,
        but(EVERYONE, province_admin=200, province_viewer=200),
        post=but(ALL_REDIRECTED, anonymous=LOGIN),
        data=password_change_data,
        changes=SIGNED_IN,
    ),
    "password_change_done": Page(none, but(EVERYONE, province_admin=200, province_viewer=200)),
    # Anyone may ask for a reset link; it is mailed to the account's own address.
    "password_reset": Page(
        none, PUBLIC, post=ALL_REDIRECTED, data=lambda w, user: {"email": "lan.official@example.com"}, changes=ROLES
    ),
    "password_reset_done": Page(none, PUBLIC),
    # A valid link is swapped for a session token and redirected to the form.
    "password_reset_confirm": Page(reset_link, ALL_REDIRECTED, post=ALL_REDIRECTED),
    "password_reset_complete": Page(none, PUBLIC),
    "set_language": Page(
        none, ALL_REDIRECTED, post=ALL_REDIRECTED, data=lambda w, user: {"language": "en", "next": "/"}
    ),
    # --- plans ---
    "plans:plan_detail": Page(none, EVERYONE),
    "plans:task_detail": Page(lambda w: {"pk": w.task}, EVERYONE),
    "plans:task_update": Page(
        lambda w: {"pk": w.task}, OFFICIAL, post=but(OFFICIAL, official=REDIRECT), data=task_data, changes=("official",)
    ),
    "plans:activity_list": Page(none, EVERYONE),
    "plans:activity_create": Page(
        none,
        RECORDER,
        post=but(RECORDER, officer_a=REDIRECT, officer_b=REDIRECT, official=REDIRECT),
        data=activity_data,
        changes=("officer_a", "officer_b", "official"),
    ),
    "plans:activity_detail": (
        Page(lambda w: {"pk": w.activity_a}, A_READ, variant="enterprise"),
        Page(lambda w: {"pk": w.activity_commune}, EVERYONE, variant="commune"),
    ),
    "plans:activity_update": (
        Page(
            lambda w: {"pk": w.activity_a},
            A_CHANGE,
            post=but(A_CHANGE, officer_a=REDIRECT, official=REDIRECT),
            data=activity_data,
            changes=("officer_a", "official"),
            variant="enterprise",
        ),
        Page(
            lambda w: {"pk": w.activity_commune},
            OFFICIAL,
            post=but(OFFICIAL, official=REDIRECT),
            data=activity_data,
            changes=("official",),
            variant="commune",
        ),
    ),
    "plans:activity_delete": (
        Page(
            lambda w: {"pk": w.activity_a},
            A_CHANGE,
            post=but(A_CHANGE, officer_a=REDIRECT, official=REDIRECT),
            changes=("officer_a", "official"),
            variant="enterprise",
        ),
        Page(
            lambda w: {"pk": w.activity_commune},
            OFFICIAL,
            post=but(OFFICIAL, official=REDIRECT),
            changes=("official",),
            variant="commune",
        ),
    ),
    "plans:evidence_download": (
        Page(lambda w: {"activity_pk": w.activity_a, "pk": w.evidence_a}, A_READ, variant="enterprise"),
        Page(lambda w: {"activity_pk": w.activity_commune, "pk": w.evidence_commune}, EVERYONE, variant="commune"),
        Page(
            lambda w: {"activity_pk": w.activity_a, "pk": w.evidence_commune},
            answers(officer_a=404, officer_b=404, viewer=404, official=404),
            variant="mismatched",
        ),
    ),
    # The role is checked before the method: officers reach the 405, the viewer is refused.
    "plans:evidence_delete": (
        Page(
            lambda w: {"activity_pk": w.activity_a, "pk": w.evidence_a},
            but(RECORDER, officer_a=405, officer_b=405, official=405),
            post=but(A_CHANGE, officer_a=REDIRECT, official=REDIRECT),
            changes=("officer_a", "official"),
            variant="enterprise",
        ),
        Page(
            lambda w: {"activity_pk": w.activity_commune, "pk": w.evidence_commune},
            but(RECORDER, officer_a=405, officer_b=405, official=405),
            post=but(OFFICIAL, official=REDIRECT),
            changes=("official",),
            variant="commune",
        ),
        Page(
            lambda w: {"activity_pk": w.activity_commune, "pk": w.evidence_a},
            but(RECORDER, officer_a=405, officer_b=405, official=405),
            post=but(OFFICIAL, official=404),
            variant="mismatched",
        ),
    ),
    "plans:annual_plan_list": Page(none, EVERYONE),
    "plans:annual_plan_detail": Page(lambda w: {"year": 2025}, EVERYONE),
    "plans:annual_plan_update": Page(
        lambda w: {"year": 2025},
        OFFICIAL,
        post=but(OFFICIAL, official=REDIRECT),
        data=lambda w, user: {"tasks": [w.task], "notes": "Ưu tiên tuyên truyền."},
        changes=("official",),
    ),
    # --- enterprises ---
    "enterprises:enterprise_list": Page(none, COMMUNE),
    "enterprises:enterprise_create": Page(
        none, OFFICIAL, post=but(OFFICIAL, official=REDIRECT), data=new_enterprise_data, changes=("official",)
    ),
    # Upload → preview (the file waits for the confirmation) → confirm.
    "enterprises:enterprise_import": Page(
        none,
        OFFICIAL,
        post=OFFICIAL,
        data=lambda w, user: {"file": xlsx_upload(ENTERPRISE_ROWS)},
        changes=("official",),
    ),
    "enterprises:enterprise_import_confirm": Page(
        none,
        POST_ONLY,
        post=but(OFFICIAL, official=REDIRECT),
        data=enterprise_import_token,
        changes=("official",),
    ),
    "enterprises:enterprise_import_template": Page(none, OFFICIAL),
    "enterprises:enterprise_detail": (
        Page(enterprise_a, A_READ, variant="A"),
        Page(
            lambda w: {"pk": w.enterprise_b},
            answers(officer_a=404, officer_b=200, viewer=200, official=200),
            variant="B",
        ),
        Page(
            lambda w: {"pk": w.enterprise_c},
            answers(officer_a=404, officer_b=404, viewer=200, official=200),
            variant="inactive",
        ),
    ),
    "enterprises:enterprise_update": Page(
        enterprise_a, A_OFFICIAL, post=but(A_OFFICIAL, official=REDIRECT), data=enterprise_data, changes=("official",)
    ),
    "enterprises:enterprise_contacts_update": Page(
        enterprise_a,
        A_CHANGE,
        post=but(A_CHANGE, officer_a=REDIRECT, official=REDIRECT),
        data=contacts_data,
        changes=("officer_a", "official"),
    ),
    "enterprises:enterprise_deactivate": Page(
        enterprise_a, POST_ONLY, post=but(A_OFFICIAL, official=REDIRECT), changes=("official",)
    ),
    "enterprises:enterprise_reactivate": Page(
        lambda w: {"pk": w.enterprise_c},
        POST_ONLY,
        post=answers(officer_a=404, officer_b=404, viewer=403, official=REDIRECT),
        changes=("official",),
    ),
    "enterprises:officer_create": Page(
        enterprise_a, A_OFFICIAL, post=but(A_OFFICIAL, official=REDIRECT), data=new_officer_data, changes=("official",)
    ),
    "enterprises:officer_update": (
        Page(
            officer_of_a, A_OFFICIAL, post=but(A_OFFICIAL, official=REDIRECT), data=officer_data, changes=("official",)
        ),
        Page(
            lambda w: {"pk": w.enterprise_a, "officer_pk": w.officer_b},
            but(A_OFFICIAL, official=404),
            post=but(A_OFFICIAL, official=404),
            data=officer_data,
            variant="B's officer under A",
        ),
    ),
    "enterprises:officer_password": Page(
        officer_of_a,
        POST_ONLY,
        post=but(A_OFFICIAL, official=REDIRECT),
        data=lambda w, user: {"delivery": "show"},
        changes=("official",),
    ),
    "enterprises:officer_credentials": Page(officer_of_a, A_OFFICIAL),
    "enterprises:officer_deactivate": Page(
        officer_of_a, POST_ONLY, post=but(A_OFFICIAL, official=REDIRECT), changes=("official",)
    ),
    "enterprises:officer_reactivate": Page(
        lambda w: {"pk": w.enterprise_a, "officer_pk": w.officer_left},
        POST_ONLY,
        post=but(A_OFFICIAL, official=REDIRECT),
        changes=("official",),
    ),
    # Named workers (personal data): the enterprise's officers and the official only; the
    # viewer, who sees the enterprise and its roster's counts, gets 403 on every roster page.
    "indicators:worker_list": Page(enterprise_a, A_CHANGE),
    "indicators:worker_create": Page(
        enterprise_a,
        A_CHANGE,
        post=but(A_CHANGE, officer_a=REDIRECT, official=REDIRECT),
        data=worker_data,
        changes=("officer_a", "official"),
    ),
    "indicators:worker_import": Page(
        enterprise_a,
        A_CHANGE,
        post=A_CHANGE,
        data=lambda w, user: {"file": xlsx_upload(ROSTER_ROWS)},
        changes=("officer_a", "official"),
    ),
    "indicators:worker_import_confirm": Page(
        enterprise_a,
        POST_ONLY,
        post=but(A_CHANGE, officer_a=REDIRECT, official=REDIRECT),
        data=roster_import_token,
        changes=("officer_a", "official"),
    ),
    "indicators:worker_import_template": Page(enterprise_a, A_CHANGE),
    "indicators:worker_update": (
        Page(
            worker_of_a,
            A_CHANGE,
            post=but(A_CHANGE, officer_a=REDIRECT, official=REDIRECT),
            data=worker_data,
            changes=("officer_a", "official"),
        ),
        # B's worker under A's address: children are looked up through their parent.
        Page(
            lambda w: {"pk": w.enterprise_a, "worker_pk": w.worker_b},
            but(A_CHANGE, officer_a=404, official=404),
            post=but(A_CHANGE, officer_a=404, official=404),
            data=worker_data,
            variant="B's worker under A",
        ),
    ),
    "indicators:worker_deactivate": Page(
        worker_of_a,
        POST_ONLY,
        post=but(A_CHANGE, officer_a=REDIRECT, official=REDIRECT),
        changes=("officer_a", "official"),
    ),
    "indicators:worker_reactivate": Page(
        lambda w: {"pk": w.enterprise_a, "worker_pk": w.worker_left},
        POST_ONLY,
        post=but(A_CHANGE, officer_a=REDIRECT, official=REDIRECT),
        changes=("officer_a", "official"),
    ),
    # Who opened which named roster: the official's record.
    "indicators:roster_access_list": Page(none, OFFICIAL),
    # --- indicators and reports ---
    "indicators:indicator_list": Page(none, EVERYONE),
    "indicators:indicator_detail": Page(
        lambda w: {"code": "a"},
        EVERYONE,
        post=answers(officer_a=405, officer_b=405, viewer=405, official=REDIRECT),
        data=indicator_data,
        changes=("official",),
    ),
    "indicators:period_list": Page(none, EVERYONE),
    # An officer's report form for the period; the commune's review queue.
    "indicators:period_detail": Page(
        period(OPEN_EMPTY),
        EVERYONE,
        post=answers(officer_a=REDIRECT, officer_b=REDIRECT, viewer=405, official=405),
        data=lambda w, user: figures(action="submit", version="0"),
        changes=("officer_a", "officer_b"),
    ),
    "indicators:period_open": Page(
        period(CLOSED), but(OFFICIAL, official=405), post=but(OFFICIAL, official=REDIRECT), changes=("official",)
    ),
    # The close button leads to a page listing what is still missing; only its POST with
    # the confirmation closes the period, a POST without it shows the page again.
    "indicators:period_close": (
        Page(
            period(OPEN),
            OFFICIAL,
            post=but(OFFICIAL, official=REDIRECT),
            data=lambda w, user: {"confirm": "yes"},
            changes=("official",),
        ),
        Page(period(OPEN), OFFICIAL, post=OFFICIAL, variant="without the confirmation"),
    ),
    "indicators:period_deadline": Page(
        period(OPEN),
        but(OFFICIAL, official=405),
        post=but(OFFICIAL, official=REDIRECT),
        data=lambda w, user: {"deadline": "2026-12-31"},
        changes=("official",),
    ),
    "indicators:report_approve_many": Page(
        period(OPEN),
        but(OFFICIAL, official=405),
        post=but(OFFICIAL, official=REDIRECT),
        data=approve_many_data,
        changes=("official",),
    ),
    "indicators:report_import": Page(
        period(OPEN), OFFICIAL, post=but(OFFICIAL, official=REDIRECT), data=report_file, changes=("official",)
    ),
    "indicators:report_import_template": Page(period(OPEN), OFFICIAL),
    "indicators:report_detail": (
        Page(report_of(OPEN, "enterprise_a"), A_READ, variant="A"),
        Page(
            report_of(OPEN, "enterprise_b"),
            answers(officer_a=404, officer_b=200, viewer=200, official=200),
            variant="B",
        ),
    ),
    "indicators:report_enter": Page(
        report_of(OPEN, "enterprise_a"),
        OFFICIAL,
        post=but(OFFICIAL, official=REDIRECT),
        data=lambda w, user: figures(
            version=EnterpriseReport.objects.get(period__code=OPEN, enterprise_id=w.enterprise_a).version
        ),
        changes=("official",),
    ),
    "indicators:report_approve": Page(
        report_of(OPEN, "enterprise_a"),
        but(OFFICIAL, official=405),
        post=but(OFFICIAL, official=REDIRECT),
        data=report_version(OPEN, "enterprise_a"),
        changes=("official",),
    ),
    "indicators:report_return": Page(
        report_of(OPEN, "enterprise_a"),
        but(OFFICIAL, official=405),
        post=but(OFFICIAL, official=REDIRECT),
        data=report_version(OPEN, "enterprise_a"),
        changes=("official",),
    ),
    "indicators:report_reopen": Page(
        report_of(OPEN, "enterprise_b"),
        but(OFFICIAL, official=405),
        post=but(OFFICIAL, official=REDIRECT),
        data=report_version(OPEN, "enterprise_b"),
        changes=("official",),
    ),
    "indicators:report_export": Page(period(OPEN), COMMUNE),
    # The commune's report (the Word báo cáo): the official writes it, the viewer reads it.
    "reports:report_page": Page(
        period(CLOSED),
        COMMUNE,
        post=answers(officer_a=403, officer_b=403, viewer=405, official=REDIRECT),
        data=lambda w, user: {
            "version": "0",
            "direction": "Ủy ban nhân dân xã đã ban hành kế hoạch năm.",
            "results": "Tổ chức 3 hoạt động.",
            "shortcomings": "",
            "next_steps": "",
            "proposals": "",
            "number": "",
            "issued_on": "",
            "signer": "Nguyễn Văn An",
            "recipients_lines": "Liên đoàn Lao động tỉnh Thanh Hóa (b/c)",
        },
        changes=("official",),
    ),
    "reports:report_docx": Page(period(OPEN), COMMUNE),
    # --- the province administrator's pages: the communes ---
    "province:commune_list": Page(none, PROVINCE),
    "province:commune_create": Page(
        none, PROVINCE, post=but(PROVINCE, province_admin=REDIRECT), data=commune_data, changes=("province_admin",)
    ),
    "province:commune_update": Page(
        lambda w: {"pk": w.commune},
        PROVINCE,
        post=but(PROVINCE, province_admin=REDIRECT),
        data=functools.partial(commune_data, code="16999", name="Hoàng Hợp"),
        changes=("province_admin",),
    ),
    # Upload → preview (the file waits for the confirmation) → confirm.
    "province:commune_import": Page(
        none,
        PROVINCE,
        post=PROVINCE,
        data=lambda w, user: {"file": xlsx_upload(COMMUNE_ROWS)},
        changes=("province_admin",),
    ),
    "province:commune_import_confirm": Page(
        none,
        POST_ONLY,
        post=but(PROVINCE, province_admin=REDIRECT),
        data=commune_import_token,
        changes=("province_admin",),
    ),
    "province:commune_import_template": Page(none, PROVINCE),
    # The accounts serving a commune: the spare official (of no commune yet) is added; the
    # viewer is relieved of the commune.
    "province:commune_members": Page(
        lambda w: {"pk": w.commune},
        PROVINCE,
        post=but(PROVINCE, province_admin=REDIRECT),
        data=lambda w, user: {"username": "mai.official"},
        changes=("province_admin",),
    ),
    "province:commune_member_remove": Page(
        lambda w: {"pk": w.commune, "membership_pk": w.viewer_membership},
        POST_ONLY,
        post=but(PROVINCE, province_admin=REDIRECT),
        changes=("province_admin",),
    ),
    # The commune chooser: every account may see the communes it serves (none for some); an
    # account serving one commune is sent to it.
    "communes:choose": Page(
        none,
        answers(
            officer_a=REDIRECT,
            officer_b=REDIRECT,
            viewer=REDIRECT,
            official=REDIRECT,
            province_admin=200,
            province_viewer=200,
        ),
    ),
    # A merger: the form, posted → its preview (a dry run: nothing changes) → confirm.
    "province:commune_merge": Page(none, PROVINCE, post=PROVINCE, data=merger_data),
    "province:commune_merge_confirm": Page(
        none, POST_ONLY, post=but(PROVINCE, province_admin=REDIRECT), data=merger_data, changes=("province_admin",)
    ),
    # The JSON API answers 403 in JSON rather than redirecting a program to a login page.
    "indicators:api_progress": Page(none, but(COMMUNE, anonymous=403)),
    # --- the province's roll-up (aggregates of every commune) and its targets ---
    "rollup:province_progress": Page(none, PROVINCE_READ),
    "rollup:commune_detail": Page(lambda w: {"code": w.commune_code}, PROVINCE_READ),
    "rollup:province_export": Page(none, PROVINCE_READ),
    "rollup:targets_update": Page(
        none,
        PROVINCE,
        post=but(PROVINCE, province_admin=REDIRECT),
        data=province_targets_data,
        changes=("province_admin",),
    ),
    "rollup:api_progress": Page(none, but(PROVINCE_READ, anonymous=403)),
}


# --- the URLconf -----------------------------------------------------------------------


def url_names(patterns=None, prefix="") -> dict[str, str]:
    """Every URL of the project: its (namespaced) name -> its route, admin excepted."""
    found: dict[str, str] = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == ADMIN_NAMESPACE:
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            for name, route in url_names(entry.url_patterns, namespace).items():
                found.setdefault(name, f"{entry.pattern}{route}")
        elif isinstance(entry, URLPattern):
            # An unnamed pattern cannot be in the table: it is listed under its route, and fails.
            name = f"{prefix}{entry.name}" if entry.name else f"<unnamed {prefix}{entry.pattern}>"
            found.setdefault(name, str(entry.pattern))
    return found


def pages_of(name) -> tuple[Page, ...]:
    entry = PAGES[name]
    return entry if isinstance(entry, tuple) else (entry,)


def cases():
    urls = url_names()
    for name in sorted(set(urls) | set(PAGES)):
        if name not in PAGES or name not in urls:
            yield pytest.param(name, None, None, None, id=f"{name}-table-mismatch")
            continue
        for page in pages_of(name):
            methods = ("GET", "POST") if page.post is not None else ("GET",)
            for method in methods:
                for role in ROLES:
                    label = f"{name}[{page.variant}]" if page.variant else name
                    yield pytest.param(name, page, method, role, id=f"{label}-{method}-{role}")


# --- the world --------------------------------------------------------------------------


def build_world(media: Path) -> SimpleNamespace:
    # A transactional test before this module (the browser's) emptied the communes table.
    commune = served_commune()
    call_command("load_plan", verbosity=0)
    plan_code = "KH-UBND-2023-HTSD"
    enterprise_a = factories.EnterpriseFactory(name="Công ty TNHH May mặc An Phát", tax_code="2800000001")
    enterprise_b = factories.EnterpriseFactory(name="Công ty CP Giày da Bình Minh", tax_code="2800000002")
    enterprise_c = factories.EnterpriseFactory(
        name="HTX Mây tre đan (đã giải thể)", tax_code="2800000003", is_active=False
    )
    official = factories.OfficialFactory(username="lan.official", first_name="Lan", last_name="Nguyễn Thị")
    viewer = factories.ViewerFactory(username="tuan.viewer", first_name="Tuấn", last_name="Lê Văn")
    province_admin = factories.ProvinceAdminFactory(username="thu.province", first_name="Thu", last_name="Hoàng Thị")
    province_viewer = factories.ProvinceViewerFactory(username="hai.province", first_name="Hải", last_name="Trịnh Văn")
    # An official the province administrator has not given a commune yet.
    factories.OfficialFactory(username="mai.official", first_name="Mai", last_name="Đỗ Thị", communes=[])
    officer_a = factories.UnionOfficerFactory(
        enterprise=enterprise_a, user__username="minh.officer", user__role=OFFICER
    ).user
    officer_b = factories.UnionOfficerFactory(enterprise=enterprise_b, user__username="hoa.officer", user__role=OFFICER)
    # Another officer account of A, the one the official's officer pages act on, and a former one.
    officer_a2 = factories.UnionOfficerFactory(
        enterprise=enterprise_a, user__username="hung.officer", user__role=OFFICER
    )
    officer_left = factories.UnionOfficerFactory(
        enterprise=enterprise_a, user__username="cu.officer", user__role=OFFICER, user__is_active=False
    )

    periods = {p.code: p for p in ReportingPeriod.objects.filter(code__in=[OPEN, OPEN_EMPTY, CLOSED])}
    for code, state in ((OPEN, PeriodState.OPEN), (OPEN_EMPTY, PeriodState.OPEN), (CLOSED, PeriodState.CLOSED)):
        periods[code].state = state
        if state == PeriodState.OPEN:
            periods[code].deadline = max(periods[code].deadline, timezone.localdate() + datetime.timedelta(days=10))
        periods[code].save()
    counts = {"a": 80, "b": 60, "c": 50, "d": 50, "e": 20}
    for enterprise in (enterprise_a, enterprise_b):
        factories.ReportFactory(enterprise=enterprise, period=periods[CLOSED], counts=counts)
    factories.ReportFactory(enterprise=enterprise_a, period=periods[OPEN], status=ReportStatus.SUBMITTED, counts=counts)
    factories.ReportFactory(enterprise=enterprise_b, period=periods[OPEN], status=ReportStatus.APPROVED, counts=counts)

    worker = factories.WorkerFactory(enterprise=enterprise_a, employee_code="NV001")
    worker_left = factories.WorkerFactory(enterprise=enterprise_a, employee_code="NV002", is_active=False)
    worker_b = factories.WorkerFactory(enterprise=enterprise_b, employee_code="NV001", full_name="Công nhân Bình Minh")

    task = Task.objects.filter(group__plan__code=plan_code).order_by("group__number", "letter").first()
    from tests.plans.conftest import png_upload  # the same real photo the plan's tests upload

    def record(owner, user, title):
        activity = Activity(task=task, owner_enterprise=owner, date=datetime.date(2025, 10, 2), title=title)
        return plan_services.activity_save(
            activity=activity,
            enterprises=[owner] if owner else [],
            user=user,
            files=check_evidence_files([png_upload(f"{title}.png")]),
        )

    activity_a = record(enterprise_a, officer_a, "Hội thi Bàn tay vàng An Phát")
    record(enterprise_b, officer_b.user, "Ngày hội đọc sách Bình Minh")
    activity_commune = record(None, official, "Tuần lễ học tập suốt đời của xã")
    return SimpleNamespace(
        plan_code=plan_code,
        enterprise_a=enterprise_a.pk,
        enterprise_b=enterprise_b.pk,
        enterprise_c=enterprise_c.pk,
        users={
            "official": official.pk,
            "viewer": viewer.pk,
            "officer_a": officer_a.pk,
            "officer_b": officer_b.user_id,
            "province_admin": province_admin.pk,
            "province_viewer": province_viewer.pk,
        },
        commune=commune.pk,
        viewer_membership=viewer.commune_memberships.get(commune=commune).pk,
        commune_code=commune.code,
        officer_b=officer_b.pk,
        officer_a2=officer_a2.pk,
        officer_left=officer_left.pk,
        worker=worker.pk,
        worker_left=worker_left.pk,
        worker_b=worker_b.pk,
        task=task.pk,
        activity_a=activity_a.pk,
        evidence_a=activity_a.evidence.get().pk,
        activity_commune=activity_commune.pk,
        evidence_commune=activity_commune.evidence.get().pk,
        media=media,
    )


B_PERIOD = "2031"  # a period commune A does not have: only commune B's row could answer
B_INDICATOR = "z"
B_YEAR = 2031


def build_commune_b(task_a: int) -> SimpleNamespace:
    """Commune B, with one of everything a URL names: its enterprise with an officer and a
    worker roster, a report of its own period, its plan with a task, an activity with
    evidence, an indicator and a year's plan, and the commune report's text. The commune
    axis asks commune A's pages for each (STYLE.md 2: outsiders get 404)."""
    commune_b = factories.CommuneFactory(name="Hoằng Lộc")
    enterprise = factories.EnterpriseFactory(commune=commune_b, name="Công ty TNHH Xã Khác", tax_code="2800000099")
    officer = factories.UnionOfficerFactory(enterprise=enterprise, user__username="khac.officer", user__role=OFFICER)
    worker = factories.WorkerFactory(enterprise=enterprise, employee_code="NV001", full_name="Công nhân Xã Khác")
    plan = factories.PlanFactory(commune=commune_b, code="KH-XA-KHAC", end_year=B_YEAR)
    task = factories.TaskFactory(group__plan=plan)
    assert task.pk != task_a
    factories.IndicatorFactory(plan=plan, code=B_INDICATOR)
    factories.AnnualPlanFactory(plan=plan, year=B_YEAR)
    period = factories.PeriodFactory(commune=commune_b, year=B_YEAR)
    factories.ReportFactory(enterprise=enterprise, period=period, status=ReportStatus.SUBMITTED)
    Narrative.objects.create(period=period, kind=ReportKind.PERIODIC, results="Kết quả của xã khác")
    activity = factories.ActivityFactory(task=task, owner_enterprise=enterprise, title="Hội thi của xã khác")
    evidence = Evidence.objects.create(
        activity=activity,
        file=SimpleUploadedFile("b.pdf", b"%PDF-1.4"),
        original_name="b.pdf",
        content_type="application/pdf",
        size=8,
    )
    return SimpleNamespace(
        commune=commune_b.pk,
        enterprise=enterprise.pk,
        officer=officer.pk,
        worker=worker.pk,
        task=task.pk,
        activity=activity.pk,
        evidence=evidence.pk,
    )


@pytest.fixture(scope="module")
def world_outside_tests(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once in a transaction that the end of the module rolls back.

    Each test's own transaction is then a savepoint inside it (as with Django's
    setUpTestData), so every case starts from this state and leaves nothing behind.
    """
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with (
                override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
                scopes_disabled(),  # the module's fixture runs before the tests' own (conftest)
            ):
                world = build_world(media)
                world.b = build_commune_b(world.task)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(world_outside_tests, db, settings, _fast_and_isolated):
    """The world for one case. Its evidence files stay put (the portal deletes a file only
    once the deletion is committed, which a test's transaction never is); uploads staged
    for an import's confirmation are removed after each case."""
    settings.MEDIA_ROOT = world_outside_tests.media
    yield world_outside_tests
    shutil.rmtree(world_outside_tests.media / "imports", ignore_errors=True)


# --- the fingerprint ---------------------------------------------------------------------

FINGERPRINTED_APPS = {"communes", "plans", "enterprises", "indicators", "reports", "province", "auth"}
# Opening a named roster records the reading, by design, whatever the method.
NOT_FINGERPRINTED = {"indicators.RosterAccess"}


def fingerprint() -> tuple:
    """Cheap evidence that nothing changed: rows per table (history tables too) with the
    newest history date, the accounts (passwords, active flags), the stored files and
    the mail sent. Sessions and login attempts are left out: they change on any visit."""
    with connection.cursor() as cursor:
        cursor.execute(_counts_sql())
        parts = [tuple(sorted(cursor.fetchall()))]  # UNION ALL promises no order (PostgreSQL varies it)
    parts.append(
        tuple(
            get_user_model()
            .objects.order_by("pk")
            .values_list(
                "pk",
                "username",
                "password",
                "is_active",
                "is_staff",
                "is_superuser",
                "email",
                "first_name",
                "last_name",
            )
        )
    )
    root = Path(settings.MEDIA_ROOT)
    parts.append(tuple(sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())))
    parts.append(len(mail.outbox))
    return tuple(parts)


@functools.cache
def _counts_sql() -> str:
    """One query for every table's row count (and newest history date): 40 tables, one round trip."""
    quote = connection.ops.quote_name
    selects = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in FINGERPRINTED_APPS or model._meta.label in NOT_FINGERPRINTED:
            continue
        last = "MAX(history_date)" if any(f.name == "history_date" for f in model._meta.fields) else "NULL"
        selects.append(f"SELECT '{model._meta.label}', COUNT(*), {last} FROM {quote(model._meta.db_table)}")
    return " UNION ALL ".join(selects)


# --- the matrix --------------------------------------------------------------------------


# What an officer must never read on any page: the other enterprise's name (also in its
# activity's title and its worker's name) and tax code.
LEAKS = {"officer_a": ("Bình Minh", "2800000002"), "officer_b": ("An Phát", "2800000001")}


def check_answer(response, expected, what):
    status = response.status_code
    location = response.get("Location", "")
    login_url = reverse("login")
    if expected == LOGIN:
        assert status == 302 and location.startswith(login_url), f"{what}: {status} {location}, not the login page"
    elif expected == REDIRECT:
        assert status == 302 and not location.startswith(login_url), f"{what}: {status} {location}, not a redirect"
    else:
        assert status == expected, f"{what}: {status} {location}, expected {expected}"


@pytest.fixture(scope="module")
def matrix_client():
    """One test client for the whole matrix, its cookies cleared for each case: the
    middleware is loaded once instead of 600 times (WhiteNoise indexes every static file)."""
    return Client()


@pytest.mark.parametrize("name, page, method, role", list(cases()))
def test_every_url_answers_every_role_as_designed(request, matrix_client, name, page, method, role):
    urls = url_names()
    assert name in PAGES, f"{name} (route {urls[name]!r}) has no line in PAGES: say who may use it."
    assert name in urls, f"PAGES lists {name}, which is no longer in the URLconf."
    w = request.getfixturevalue("world")
    client = matrix_client
    client.cookies.clear()
    user = None
    if role != "anonymous":
        user = get_user_model().objects.get(pk=w.users[role])
        client.force_login(user)
    url = reverse(name, kwargs=page.kwargs(w))
    data = page.data(w, user) if method == "POST" else None
    before = fingerprint()
    response = client.post(url, data) if method == "POST" else client.get(url)
    if response.streaming:  # a download: read it, so that the client closes the file
        b"".join(response.streaming_content)
    after = fingerprint()
    what = f"{method} {url} as {role}"
    expected = page.post[role] if method == "POST" else page.get[role]
    check_answer(response, expected, what)
    if role in LEAKS and response.status_code == 200 and "html" in response.get("Content-Type", ""):
        page_text = response.content.decode()
        for marker in LEAKS[role]:
            assert marker not in page_text, f"{what} shows “{marker}”, which belongs to the other enterprise"
    if method == "POST" and role in page.changes:
        assert after != before, f"{what} answered {response.status_code} but changed nothing: is the test data valid?"
    else:
        assert after == before, f"{what} changed the database"


# --- the commune axis --------------------------------------------------------------------

# Pages of no commune's object: a reset link's parts, the province's own pages on communes
# and the accounts serving them, the roll-up of a commune (the province's roles only: commune
# A's people get 403 there, which the table above checks).
NOT_COMMUNE_OBJECTS = {
    "password_reset_confirm",
    "province:commune_update",
    "province:commune_members",
    "province:commune_member_remove",
    "rollup:commune_detail",
}
# What commune A's people must never read from commune B.
B_MARKERS = ("Xã Khác", "2800000099", "xã khác")


def commune_b_kwargs(name: str, route: str, b: SimpleNamespace) -> dict:
    """The URL `name` pointed at commune B's object (a kwarg no rule knows fails the test:
    say which of B's objects it names)."""
    by_kwarg = {
        "officer_pk": b.officer,
        "worker_pk": b.worker,
        "enterprise_pk": b.enterprise,
        "activity_pk": b.activity,
        "year": B_YEAR,
        "code": B_INDICATOR if route.startswith("indicators/") else B_PERIOD,
    }
    if route.startswith("plan/tasks/"):
        by_kwarg["pk"] = b.task
    elif route.startswith("plan/activities/"):
        by_kwarg["pk"] = b.evidence if "/evidence/" in route else b.activity
    else:
        by_kwarg["pk"] = b.enterprise
    return {kwarg: by_kwarg[kwarg] for kwarg in re.findall(r"<(?:\w+:)?(\w+)>", route)}


def commune_cases():
    for name, route in sorted(url_names().items()):
        if "<" not in route or name in NOT_COMMUNE_OBJECTS or name not in PAGES:
            continue
        for page in pages_of(name)[:1]:
            for method in ("GET", "POST") if page.post is not None else ("GET",):
                for role in ("officer_a", "officer_b", "viewer", "official"):
                    yield pytest.param(name, route, page, method, role, id=f"{name}-{method}-{role}")


@pytest.mark.parametrize("name, route, page, method, role", list(commune_cases()))
def test_commune_b_objects_are_not_found_by_commune_a(request, matrix_client, name, route, page, method, role):
    """Every URL naming an object, asked by each of commune A's people for commune B's: 404,
    or the refusal the role gets for A's own object (403, 405), which says nothing of B's.
    The scoped managers answer it: no view filters by commune itself."""
    w = request.getfixturevalue("world")
    client = matrix_client
    client.cookies.clear()
    user = get_user_model().objects.get(pk=w.users[role])
    client.force_login(user)
    url = reverse(name, kwargs=commune_b_kwargs(name, route, w.b))
    data = page.data(w, user) if method == "POST" else None  # A's valid body (it may stage a file)
    before = fingerprint()
    response = client.post(url, data) if method == "POST" else client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    what = f"{method} {url} as {role} of commune A"
    refusal = (page.post if method == "POST" else page.get)[role]
    assert response.status_code == 404 or (refusal in (403, 405) and response.status_code == refusal), (
        f"{what}: {response.status_code}, expected 404"
    )
    body = b"" if response.streaming else response.content
    for marker in B_MARKERS:
        assert marker.encode() not in body, f"{what} shows “{marker}”, commune B's"
    assert fingerprint() == before, f"{what} changed the database"


def test_no_portal_role_gets_into_the_django_admin(client, cast):
    """The admin is guarded by is_staff, which no portal role has: all are sent to its login."""
    admin_login = reverse("admin:login")
    for role, user in [("anonymous", None), *cast.items()]:
        client.logout()
        if user is not None:
            assert not user.is_staff
            client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 302, role
        assert response["Location"].startswith(admin_login), role
        assert client.get(reverse("admin:enterprises_enterprise_changelist")).status_code == 302, role
