"""Importing a worker roster from Excel: checked, previewed, all or nothing, in bulk."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Sex, Worker
from indicators.models import WorkerOutcome
from indicators.roster import roster_totals
from tests.factories import WorkerFactory, WorkerOutcomeFactory

from .conftest import ROSTER_HEADER, TITLE_BLOCK

pytestmark = pytest.mark.django_db

ROWS = [
    [
        1,
        "AP0001",
        "Lê Thị Mai",
        "Nữ",
        1994,
        "Công nhân may",
        datetime.datetime(2025, 3, 15),
        "02/10/2025",
        None,
        None,
        None,
    ],
    [2, "AP0002", "Trần Văn Nam", "nam", "1988", "Thợ cơ điện", "15/03/2025", None, None, "1/4/2025", None],
    [3, 1003, "Phạm Thị Lan", "NỮ", None, None, None, None, None, None, None],
]


@pytest.fixture
def officer_client(client_for, officer_a):
    return client_for(officer_a)


def outcomes_of(enterprise):
    return {
        (o.worker.employee_code, o.indicator.code): o.achieved_on
        for o in WorkerOutcome.objects.filter(worker__enterprise=enterprise).select_related("worker", "indicator")
    }


def test_a_good_roster_is_previewed_then_imported(
    officer_client, officer_a, enterprise_a, indicators, workbook, import_roster
):
    content = workbook([ROSTER_HEADER, *ROWS], title=TITLE_BLOCK)
    preview = import_roster(enterprise_a, content, confirm=False)
    assert len(preview.context["preview"].new) == 3
    assert not Worker.objects.exists()
    officer_client.post(
        reverse("indicators:worker_import_confirm", args=[enterprise_a.pk]), {"token": preview.context["token"]}
    )
    workers = {w.employee_code: w for w in enterprise_a.workers.all()}
    assert set(workers) == {"AP0001", "AP0002", "1003"}
    assert (workers["AP0002"].sex, workers["AP0002"].birth_year) == (Sex.MALE, 1988)
    assert workers["1003"].birth_year is None
    assert outcomes_of(enterprise_a) == {
        ("AP0001", "a"): datetime.date(2025, 3, 15),
        ("AP0001", "b"): datetime.date(2025, 10, 2),
        ("AP0002", "a"): datetime.date(2025, 3, 15),
        ("AP0002", "d"): datetime.date(2025, 4, 1),
    }
    totals = roster_totals(enterprise_a)
    assert (totals.workers, totals.female_workers, totals.met_count(indicators["a"].pk)) == (3, 2, 2)
    record = workers["AP0001"].history.get()
    assert (record.history_user, record.history_change_reason) == (officer_a, "import")


def test_reimporting_updates_workers_and_outcomes_and_leaves_empty_cells_alone(
    officer_client, enterprise_a, indicators, workbook, import_roster
):
    import_roster(enterprise_a, workbook([ROSTER_HEADER, *ROWS]), confirm=True)
    changed = [
        [1, "AP0001", "Lê Thị Mai", "Nữ", 1994, "Tổ trưởng chuyền may", None, "05/10/2025", None, None, "20/12/2025"],
        ROWS[1],
    ]
    preview = import_roster(enterprise_a, workbook([ROSTER_HEADER, *changed]), confirm=False)
    changes = preview.context["preview"]
    assert (len(changes.new), len(changes.updated), len(changes.unchanged)) == (0, 1, 1)
    assert {(c.label, c.old, c.new) for c in changes.updated[0].changes} == {
        ("Công việc", "Công nhân may", "Tổ trưởng chuyền may"),
        ("Kỹ năng nghề", "02/10/2025", "05/10/2025"),
        ("Công dân học tập", "—", "20/12/2025"),
    }
    officer_client.post(
        reverse("indicators:worker_import_confirm", args=[enterprise_a.pk]), {"token": preview.context["token"]}
    )
    outcomes = outcomes_of(enterprise_a)
    assert outcomes[("AP0001", "a")] == datetime.date(2025, 3, 15)  # empty cell: kept
    assert outcomes[("AP0001", "b")] == datetime.date(2025, 10, 5)
    assert outcomes[("AP0001", "e")] == datetime.date(2025, 12, 20)
    assert enterprise_a.workers.get(employee_code="AP0001").job == "Tổ trưởng chuyền may"
    assert enterprise_a.workers.count() == 3  # "1003" not in the file: untouched


def test_workers_missing_from_a_complete_file_are_marked_as_left_when_asked(
    officer_client, enterprise_a, indicators, workbook, import_roster
):
    WorkerFactory(enterprise=enterprise_a, employee_code="OLD01", full_name="Người cũ")
    returning = WorkerFactory(
        enterprise=enterprise_a,
        employee_code="AP0001",
        full_name="Lê Thị Mai",
        is_active=False,
        left_on=datetime.date(2025, 1, 31),
        birth_year=1994,
        job="Công nhân may",
    )
    preview = import_roster(enterprise_a, workbook([ROSTER_HEADER, *ROWS]), confirm=False, deactivate_missing=True)
    assert [row.key for row in preview.context["preview"].left] == ["OLD01"]
    officer_client.post(
        reverse("indicators:worker_import_confirm", args=[enterprise_a.pk]), {"token": preview.context["token"]}
    )
    left = enterprise_a.workers.get(employee_code="OLD01")
    assert (left.is_active, left.left_on) == (False, timezone.localdate())
    returning.refresh_from_db()
    assert (returning.is_active, returning.left_on) == (True, None)


@pytest.mark.parametrize(
    "row, fragment",
    [
        ([1, "AP9", "Lê Thị Mai", "Nữ", 1930, None, None, None, None, None, None], "1930 nằm ngoài khoảng"),
        ([1, "AP9", "Lê Thị Mai", "Khác", None, None, None, None, None, None, None], "Nam hoặc Nữ"),
        ([1, "AP9", "", "Nữ", None, None, None, None, None, None, None], "“Họ và tên” đang trống"),
        ([1, "AP9", "Lê Thị Mai", "Nữ", None, None, "31/02/2025", None, None, None, None], "không phải là ngày"),
        ([1, "AP9", "Lê Thị Mai", "Nữ", None, None, "01/01/2999", None, None, None, None], "tương lai"),
    ],
)
def test_a_bad_row_saves_nothing_and_is_named(
    officer_client, enterprise_a, indicators, workbook, import_roster, row, fragment
):
    response = import_roster(enterprise_a, workbook([ROSTER_HEADER, *ROWS, row]))
    errors = response.context["errors"]
    assert [e.row for e in errors] == [5], errors
    assert fragment in errors[0].message
    assert not Worker.objects.exists() and not WorkerOutcome.objects.exists()


def test_the_upload_page_of_a_roster_with_a_bad_row_offers_nothing_to_confirm(
    officer_client, enterprise_a, indicators, workbook, import_roster, settings
):
    bad = [4, "AP9", "", "Nữ", None, None, None, None, None, None, None]
    response = import_roster(enterprise_a, workbook([ROSTER_HEADER, *ROWS, bad]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "plan" not in response.context
    assert reverse("indicators:worker_import_confirm", args=[enterprise_a.pk]) not in page
    assert "data-confirm-import" not in page
    assert not Worker.objects.exists()
    assert not list((settings.MEDIA_ROOT / "imports").glob("*.xlsx"))  # the upload is not kept


def test_a_duplicate_employee_code_is_an_error(officer_client, enterprise_a, indicators, workbook, import_roster):
    duplicate = [4, "AP0001", "Người khác", "Nam", None, None, None, None, None, None, None]
    response = import_roster(enterprise_a, workbook([ROSTER_HEADER, *ROWS, duplicate]))
    assert [e.row for e in response.context["errors"]] == [5]
    assert "AP0001" in response.context["errors"][0].message
    assert not Worker.objects.exists()


def test_an_unknown_indicator_column_is_an_error_naming_it(
    officer_client, enterprise_a, indicators, workbook, import_roster
):
    header = [*ROSTER_HEADER[:-1], "Ngoại ngữ"]
    response = import_roster(enterprise_a, workbook([header, *ROWS]))
    message = response.context["errors"][0].message
    assert "Ngoại ngữ" in message and "Công dân học tập" in message
    assert response.context["errors"][0].row == 1
    assert not Worker.objects.exists()


def test_indicator_columns_are_optional_and_may_be_headed_with_their_code(
    officer_client, enterprise_a, indicators, workbook, import_roster
):
    header = ["Mã nhân viên", "Họ và tên", "Giới tính", "e) Công dân học tập"]
    import_roster(
        enterprise_a, workbook([header, ["AP7", "Lò Văn Sơn", "Nam", datetime.date(2025, 5, 5)]]), confirm=True
    )
    assert outcomes_of(enterprise_a) == {("AP7", "e"): datetime.date(2025, 5, 5)}


def test_the_roster_template_has_one_date_column_per_indicator(officer_client, enterprise_a, indicators):
    import io

    from openpyxl import load_workbook

    response = officer_client.get(reverse("indicators:worker_import_template", args=[enterprise_a.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header_row = next(r for r in range(1, 16) if sheet.cell(r, 2).value == "Mã nhân viên")
    assert [c.value for c in sheet[header_row]] == ROSTER_HEADER
    assert enterprise_a.name.upper() in sheet.cell(2, 1).value


def test_the_roster_template_keeps_a_formula_looking_indicator_name_as_text(officer_client, enterprise_a, indicators):
    import io

    from openpyxl import load_workbook

    indicators["e"].name = '=HYPERLINK("http://x")'
    indicators["e"].save()
    response = officer_client.get(reverse("indicators:worker_import_template", args=[enterprise_a.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header_row = next(r for r in range(1, 16) if sheet.cell(r, 2).value == "Mã nhân viên")
    cell = sheet.cell(header_row, len(ROSTER_HEADER))
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("http://x")', "s", True)


def test_two_thousand_workers_import_in_a_bounded_number_of_queries(
    officer_client, enterprise_a, indicators, workbook, import_roster, django_assert_max_num_queries
):
    day = datetime.date(2025, 4, 1)
    rows = [
        [
            n,
            f"NV{n:05d}",
            f"Công nhân {n}",
            "Nữ" if n % 3 else "Nam",
            1970 + n % 40,
            "Công nhân may",
            day if n % 2 else None,
            day if n % 3 else None,
            day,
            None,
            day if n % 10 == 0 else None,
        ]
        for n in range(1, 2001)
    ]
    existing = WorkerFactory(enterprise=enterprise_a, employee_code="NV00001", full_name="Tên cũ")
    WorkerOutcomeFactory(worker=existing, indicator=indicators["c"], achieved_on=datetime.date(2024, 1, 1))
    content = workbook([ROSTER_HEADER, *rows])
    # Upload and confirmation together; row by row it would be over 10,000. SQLite allows
    # 999 parameters a statement, so its inserts come in smaller batches than PostgreSQL's.
    with django_assert_max_num_queries(150):
        response = import_roster(enterprise_a, content, confirm=True)
    assert response.status_code == 302
    assert enterprise_a.workers.count() == 2000
    totals = roster_totals(enterprise_a)
    assert totals.workers == 2000
    assert totals.female_workers == 1334
    assert totals.met_count(indicators["a"].pk) == 1000
    assert totals.met_count(indicators["c"].pk) == 2000
    assert totals.met_count(indicators["e"].pk) == 200
    assert outcomes_of(enterprise_a)[("NV00001", "c")] == day
    assert Worker.history.filter(history_change_reason="import").count() == 2000
