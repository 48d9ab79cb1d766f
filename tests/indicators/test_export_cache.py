"""The Excel workbook is written once per state of what it shows (core.file_cache):
downloads while nothing changed are served from the file, and every change to what the
workbook shows (a report, an enterprise, a target, a task, an activity, the date) makes
the next download a new workbook."""

import datetime
import io
import threading
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core import file_cache
from indicators import exports
from indicators.models import PeriodKind, PeriodState, ReportStatus, Target
from indicators.services.reports import report_approve, report_return
from plans.models import Task, TaskStatus
from plans.services import task_update
from tests.factories import ActivityFactory, PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def this_year(plan, enterprise_a, enterprise_b):
    # The current year, open: its workbook shows the tasks as they are now (a past period's
    # shows them as they stood at its end, which a change today does not alter).
    period = PeriodFactory(year=timezone.localdate().year, kind=PeriodKind.ANNUAL)
    period.state = PeriodState.OPEN
    period.save()
    ReportFactory(enterprise=enterprise_a, period=period, total_workers=200, counts={"a": 180})
    ReportFactory(
        enterprise=enterprise_b, period=period, status=ReportStatus.SUBMITTED, total_workers=300, counts={"a": 240}
    )
    return period


@pytest.fixture
def writes(monkeypatch):
    """How many times the workbook was written (the real writer runs each time)."""
    calls = []
    real = exports.write_district_report

    def counting(period, target, **kwargs):
        calls.append(period.code)
        real(period, target, **kwargs)

    monkeypatch.setattr(exports, "write_district_report", counting)
    return calls


def download(client, period) -> bytes:
    response = client.get(reverse("indicators:report_export", args=[period.code]))
    assert response.status_code == 200
    # Reading the stream to its end closes the response (and so the file); closing it again
    # would also close the test's database connection on PostgreSQL.
    return b"".join(response.streaming_content)


def finish_first_task(notes: str) -> None:
    """The official marks the plan's first task done, as the task page does."""
    task = Task.objects.order_by("pk").first()
    task_update(
        task=task,
        version=task.version,
        status=TaskStatus.DONE,
        lead_unit=task.lead_unit,
        coordinating_units=[],
        progress_notes=notes,
    )


def cell_texts(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell.value for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


class TestServedFromTheFile:
    def test_a_second_download_reads_the_file_and_gets_the_same_workbook(
        self, client_for, official, this_year, writes, django_assert_max_num_queries
    ):
        client = client_for(official)
        first = download(client, this_year)
        # The session, the user, the period, its tokens, the plan's revision and the report it
        # is attached to (its narrative, and its completeness from the figures cache), the
        # commune's identity (its row and its leaders).
        with django_assert_max_num_queries(22):
            second = download(client, this_year)
        assert writes == [this_year.code]
        assert second == first

    def test_one_file_per_period_is_kept(self, client_for, official, this_year, writes):
        client = client_for(official)
        download(client, this_year)
        finish_first_task("Đã xong")
        download(client, this_year)
        assert len(writes) == 2
        assert [path.suffix for path in file_cache.folder().glob("export-*.xlsx")] == [".xlsx"]

    def test_two_periods_have_their_own_files(self, client_for, official, this_year, writes):
        client = client_for(official)
        earlier = PeriodFactory(year=this_year.year - 1, kind=PeriodKind.ANNUAL)
        download(client, this_year)
        download(client, earlier)
        download(client, this_year)
        assert writes == [this_year.code, earlier.code]


class TestWrittenAnewAfterAChange:
    """Each change to what the workbook shows, made as users make it, is in the next download."""

    def test_an_approved_report(self, client_for, official, this_year, enterprise_b, writes):
        client = client_for(official)
        download(client, this_year)
        report = this_year.reports.get(enterprise=enterprise_b)
        report_approve(report=report, actor=official, version=report.version)
        download(client, this_year)
        assert len(writes) == 2

    def test_a_returned_report_which_changes_no_approved_figure(
        self, client_for, official, this_year, enterprise_b, writes
    ):
        client = client_for(official)
        download(client, this_year)
        report = this_year.reports.get(enterprise=enterprise_b)
        report_return(report=report, actor=official, reason="Thiếu số liệu chỉ tiêu b", version=report.version)
        assert str(ReportStatus.RETURNED.label) in cell_texts(download(client, this_year))
        assert len(writes) == 2

    def test_a_renamed_enterprise(self, client_for, official, this_year, enterprise_a, writes):
        client = client_for(official)
        assert "Công ty Mới Tên" not in cell_texts(download(client, this_year))
        enterprise_a.name = "Công ty Mới Tên"
        enterprise_a.save()
        assert "Công ty Mới Tên" in cell_texts(download(client, this_year))

    def test_a_changed_target(self, client_for, official, this_year, writes):
        client = client_for(official)
        download(client, this_year)
        target = Target.objects.filter(indicator__code="a").order_by("year").first()
        target.value += 1
        target.save()
        download(client, this_year)
        assert len(writes) == 2

    def test_a_task_status(self, client_for, official, this_year, writes):
        client = client_for(official)
        download(client, this_year)
        finish_first_task("Ghi chú mới về tiến độ")
        assert "Ghi chú mới về tiến độ" in "".join(map(str, cell_texts(download(client, this_year))))

    def test_a_new_activity(self, client_for, official, this_year, writes):
        client = client_for(official)
        download(client, this_year)
        ActivityFactory(
            task=Task.objects.order_by("pk").first(),
            title="Hội thi tìm hiểu pháp luật mới",
            date=this_year.start,
        )
        assert any("Hội thi tìm hiểu pháp luật mới" in str(text) for text in cell_texts(download(client, this_year)))

    def test_the_number_given_to_the_report_it_is_attached_to(self, client_for, official, this_year, writes):
        from reports.models import ReportKind
        from reports.services import narrative_save

        client = client_for(official)
        download(client, this_year)
        narrative_save(period=this_year, kind=ReportKind.PERIODIC, version=0, values={"number": 731})
        assert any("731/BC-UBND" in str(text) for text in cell_texts(download(client, this_year)))
        assert len(writes) == 2

    def test_a_new_day(self, client_for, official, this_year, writes, monkeypatch):
        client = client_for(official)
        download(client, this_year)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
        download(client, this_year)
        assert len(writes) == 2


class TestTheFileCache:
    def test_two_requests_for_a_missing_document_write_it_once(self):
        written = []

        def slow_write(target):
            written.append(1)
            time.sleep(0.3)
            target.write(b"workbook")

        results = []

        def fetch():
            with file_cache.open_cached("doc", ["state 1"], slow_write, suffix=".bin") as handle:
                results.append(handle.read())

        threads = [threading.Thread(target=fetch) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert written == [1]
        assert results == [b"workbook", b"workbook"]

    def test_a_failed_write_leaves_no_file_behind(self):
        def failing(target):
            target.write(b"half")
            raise RuntimeError("disk full")

        with pytest.raises(RuntimeError):
            file_cache.open_cached("doc", ["state 1"], failing, suffix=".bin")
        assert [path.name for path in file_cache.folder().iterdir() if path.suffix != ".lock"] == []

    def test_a_newer_state_replaces_the_older_file_but_not_other_documents(self):
        file_cache.open_cached("doc", ["state 1"], lambda target: target.write(b"1"), suffix=".bin").close()
        file_cache.open_cached("doc-2", ["state 1"], lambda target: target.write(b"x"), suffix=".bin").close()
        with file_cache.open_cached("doc", ["state 2"], lambda target: target.write(b"2"), suffix=".bin") as handle:
            assert handle.read() == b"2"
        names = sorted(path.name.split(".")[0] for path in file_cache.folder().glob("*.bin"))
        assert names == ["doc", "doc-2"]

    def test_an_open_file_stays_readable_when_a_newer_state_replaces_it(self):
        older = file_cache.open_cached("doc", ["state 1"], lambda target: target.write(b"old"), suffix=".bin")
        file_cache.open_cached("doc", ["state 2"], lambda target: target.write(b"new"), suffix=".bin").close()
        with older:
            assert older.read() == b"old"
