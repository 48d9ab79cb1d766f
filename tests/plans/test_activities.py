"""Recording activities with evidence: who may, what files are accepted, where they are
kept and who may download or delete them."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import access
from plans.models import Activity, Evidence

from .conftest import (
    EXE_BYTES,
    PDF_BYTES,
    jpeg_bytes,
    pdf_upload,
    png_bytes,
    png_upload,
    upload,
)

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def activity_data(for_task, **changes):
    data = {
        "task": for_task.pk,
        "date": "2025-10-03",
        "title": "Tuần lễ hưởng ứng học tập suốt đời năm 2025",
        "place": "Nhà văn hoá xã",
        "organiser": "UBND xã",
        "workers_reached": "150",
        "description": "Phát thanh, treo băng rôn, giới thiệu sách.",
    }
    data.update(changes)
    return data


def post_activity(client, data, url=None):
    return client.post(url or reverse("plans:activity_create"), data)


class TestRecording:
    def test_the_official_records_an_activity_with_a_photo_and_a_pdf(
        self, client_for, official, tasks, enterprise_a, enterprise_b
    ):
        response = post_activity(
            client_for(official),
            activity_data(
                tasks["1c"],
                enterprises=[enterprise_a.pk, enterprise_b.pk],
                files=[png_upload("Ảnh hội trường.png"), pdf_upload("Kế hoạch tổ chức.pdf")],
            ),
        )
        activity = Activity.objects.get()
        assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
        assert activity.owner_enterprise is None and activity.created_by == official
        assert set(activity.enterprises.all()) == {enterprise_a, enterprise_b}
        assert activity.workers_reached == 150
        files = {e.original_name: e for e in activity.evidence.all()}
        assert files["Ảnh hội trường.png"].content_type == "image/png"
        assert files["Kế hoạch tổ chức.pdf"].content_type == "application/pdf"
        assert files["Kế hoạch tổ chức.pdf"].size == len(PDF_BYTES)
        assert files["Ảnh hội trường.png"].uploaded_by == official

    def test_files_are_stored_under_media_root_with_random_names_outside_the_static_tree(
        self, client_for, official, tasks
    ):
        post_activity(client_for(official), activity_data(tasks["1c"], files=[png_upload("../../etc/passwd.png")]))
        evidence = Evidence.objects.get()
        path = Path(evidence.file.path).resolve()
        assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        assert not path.is_relative_to((settings.BASE_DIR / "static").resolve())
        assert "passwd" not in path.name and path.suffix == ".png"
        assert evidence.original_name == "passwd.png"
        assert path.read_bytes() == png_bytes()

    def test_the_stored_extension_follows_the_content_not_the_name(self, client_for, official, tasks):
        post_activity(client_for(official), activity_data(tasks["1c"], files=[upload("anh.png", jpeg_bytes())]))
        evidence = Evidence.objects.get()
        assert evidence.content_type == "image/jpeg" and evidence.file.name.endswith(".jpg")

    def test_an_officer_records_for_their_own_enterprise(self, client_for, officer_a, enterprise_a, tasks):
        response = post_activity(
            client_for(officer_a),
            activity_data(
                tasks["4b"],
                enterprises=[enterprise_a.pk],
                owner_enterprise="",
                files=[png_upload()],
            ),
        )
        assert response.status_code == 302
        activity = Activity.objects.get()
        assert activity.owner_enterprise == enterprise_a
        assert list(activity.enterprises.all()) == [enterprise_a]

    def test_an_officer_cannot_involve_another_enterprise(self, client_for, officer_a, enterprise_b, tasks):
        response = post_activity(client_for(officer_a), activity_data(tasks["4b"], enterprises=[enterprise_b.pk]))
        assert response.status_code == 200
        assert response.context["form"].errors["enterprises"]
        assert not Activity.objects.exists()

    def test_an_officer_cannot_claim_another_owner(self, client_for, officer_a, enterprise_a, enterprise_b, tasks):
        post_activity(client_for(officer_a), activity_data(tasks["4b"], owner_enterprise=enterprise_b.pk))
        assert Activity.objects.get().owner_enterprise == enterprise_a

    def test_the_official_may_record_on_an_enterprises_behalf(
        self, client_for, official, officer_a, enterprise_a, tasks
    ):
        post_activity(client_for(official), activity_data(tasks["4b"], owner_enterprise=enterprise_a.pk))
        activity = Activity.objects.get()
        assert activity.owner_enterprise == enterprise_a
        assert list(activity.enterprises.all()) == [enterprise_a]  # the owner is always involved
        assert access.can_change(officer_a, activity.owner_enterprise_id)

    def test_the_form_offers_the_task_from_the_task_page(self, client_for, official, tasks):
        response = client_for(official).get(reverse("plans:activity_create"), {"task": tasks["1d"].pk})
        assert response.context["form"]["task"].value() == str(tasks["1d"].pk)


class TestBadInput:
    """A clear Vietnamese message, the entries kept, nothing saved: no row, no file."""

    def refused(self, client, data):
        response = post_activity(client, data)
        assert response.status_code == 200
        assert not Activity.objects.exists() and not Evidence.objects.exists()
        assert stored_files() == []
        page = response.content.decode()
        assert 'value="Nhà văn hoá xã"' in page  # what was entered is still there
        return response.context["form"].errors, page

    def test_a_program_renamed_jpg_is_refused(self, client_for, official, tasks):
        errors, page = self.refused(
            client_for(official), activity_data(tasks["1c"], files=[upload("anh-dep.jpg", EXE_BYTES, "image/jpeg")])
        )
        assert "Tệp “anh-dep.jpg” không phải là ảnh (JPEG, PNG, WebP) hoặc văn bản PDF" in errors["files"][0]
        assert "chọn lại tệp minh chứng" in page

    def test_a_text_file_named_pdf_is_refused(self, client_for, official, tasks):
        errors, _page = self.refused(
            client_for(official),
            activity_data(
                tasks["1c"], files=[upload("bao-cao.pdf", "Đây là văn bản thường.".encode(), "application/pdf")]
            ),
        )
        assert "không phải là ảnh" in errors["files"][0]

    def test_an_oversized_file_is_refused(self, client_for, official, tasks, settings):
        settings.UPLOAD_MAX_BYTES = 1024
        errors, _page = self.refused(
            client_for(official),
            activity_data(
                tasks["1c"], files=[upload("lon.png", png_bytes((400, 400), (1, 2, 3)) + b"\0" * 2048, "image/png")]
            ),
        )
        assert "vượt quá mức cho phép" in errors["files"][0]

    def test_a_damaged_photo_is_refused(self, client_for, official, tasks):
        damaged = png_bytes()[:40] + b"\x00" * 60
        errors, _page = self.refused(
            client_for(official), activity_data(tasks["1c"], files=[upload("hong.png", damaged, "image/png")])
        )
        assert "bị hỏng" in errors["files"][0]

    @pytest.mark.parametrize("limit", [300, 600])  # Pillow's error, and its warning made an error
    def test_a_decompression_bomb_is_refused(self, client_for, official, tasks, monkeypatch, limit):
        from PIL import Image

        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)  # our 32×24 photo now counts as a bomb
        errors, _page = self.refused(client_for(official), activity_data(tasks["1c"], files=[png_upload()]))
        assert "bị hỏng" in errors["files"][0]

    def test_a_truncated_pdf_is_refused(self, client_for, official, tasks):
        errors, _page = self.refused(
            client_for(official),
            activity_data(tasks["1c"], files=[upload("thieu.pdf", PDF_BYTES[:120], "application/pdf")]),
        )
        assert "bị hỏng" in errors["files"][0]

    def test_one_bad_file_among_good_ones_saves_nothing(self, client_for, official, tasks):
        errors, _page = self.refused(
            client_for(official),
            activity_data(tasks["1c"], files=[png_upload(), upload("virus.jpg", EXE_BYTES), pdf_upload()]),
        )
        assert len(errors["files"]) == 1 and "virus.jpg" in errors["files"][0]

    @pytest.mark.parametrize("date", ["2022-12-31", "2031-01-01"])
    def test_a_date_outside_2023_to_2030_is_refused(self, client_for, official, tasks, date):
        errors, _page = self.refused(client_for(official), activity_data(tasks["1c"], date=date))
        assert errors["date"] == [
            "Ngày phải nằm trong khoảng từ 01/01/2023 đến 31/12/2030 (thời gian thực hiện Kế hoạch)."
        ]

    def test_a_date_that_is_no_date_is_refused(self, client_for, official, tasks):
        errors, _page = self.refused(client_for(official), activity_data(tasks["1c"], date="31/02/2025"))
        assert errors["date"] == ["Nhập ngày hợp lệ (ngày/tháng/năm)."]

    @pytest.mark.parametrize("title", ["", "   "])
    def test_an_empty_title_is_refused(self, client_for, official, tasks, title):
        errors, _page = self.refused(client_for(official), activity_data(tasks["1c"], title=title))
        assert errors["title"] == ["Nhập tên hoạt động."]

    def test_a_negative_number_of_workers_is_refused(self, client_for, official, tasks):
        errors, _page = self.refused(client_for(official), activity_data(tasks["1c"], workers_reached="-5"))
        assert errors["workers_reached"]

    def test_workers_reached_typed_with_a_thousands_dot_is_one_number(self, client_for, official, tasks):
        post_activity(client_for(official), activity_data(tasks["1c"], workers_reached="1.500"))
        assert Activity.objects.get().workers_reached == 1500

    def test_a_decimal_number_of_workers_is_refused_saying_it_must_be_whole(self, client_for, official, tasks):
        errors, _page = self.refused(client_for(official), activity_data(tasks["1c"], workers_reached="12,5"))
        assert "Số người phải là số nguyên" in errors["workers_reached"][0]

    def test_a_task_of_no_plan_is_refused(self, client_for, official, tasks):
        errors, _page = self.refused(client_for(official), activity_data(tasks["1c"], task=""))
        assert errors["task"] == ["Chọn nhiệm vụ mà hoạt động này thuộc về."]

    def test_too_many_files_at_once_are_refused(self, client_for, official, tasks):
        errors, _page = self.refused(
            client_for(official), activity_data(tasks["1c"], files=[png_upload(f"anh-{n}.png") for n in range(11)])
        )
        assert "tối đa 10 tệp" in errors["files"][0]


class TestEditing:
    def test_an_officer_edits_their_enterprises_activity_and_adds_a_file(
        self, client_for, officer_a, activity_a, tasks
    ):
        url = reverse("plans:activity_update", args=[activity_a.pk])
        response = post_activity(
            client_for(officer_a),
            activity_data(tasks["4b"], title="Hội thi “Bàn tay vàng” lần 2", files=[png_upload("giai-nhat.png")]),
            url,
        )
        assert response.status_code == 302
        activity_a.refresh_from_db()
        assert activity_a.title == "Hội thi “Bàn tay vàng” lần 2"
        assert activity_a.evidence.count() == 3

    def test_an_officer_keeps_the_enterprises_the_official_added(
        self, client_for, official, officer_a, activity_a, enterprise_a, enterprise_b, tasks
    ):
        activity_a.enterprises.add(enterprise_b)
        url = reverse("plans:activity_update", args=[activity_a.pk])
        post_activity(client_for(officer_a), activity_data(tasks["4b"], enterprises=[enterprise_a.pk]), url)
        assert set(activity_a.enterprises.all()) == {enterprise_a, enterprise_b}

    def test_the_history_records_who_changed_what(self, client_for, official, viewer, commune_activity, tasks):
        url = reverse("plans:activity_update", args=[commune_activity.pk])
        post_activity(
            client_for(official),
            activity_data(
                tasks["1c"],
                title="Ngày Sách 2025",
                workers_reached="1200",
                enterprises=[e.pk for e in commune_activity.enterprises.all()],
            ),
            url,
        )
        response = client_for(viewer).get(commune_activity.get_absolute_url())
        entry = response.context["history"][0]
        changes = {c.label: (c.old, c.new) for c in entry.changes}
        assert entry.user == official
        assert changes["Tiêu đề"] == ("Ngày Sách và Văn hoá đọc Việt Nam", "Ngày Sách 2025")
        assert changes["Số công nhân lao động tham gia"] == ("90", "1.200")
        described = {(c.label, c.old, c.new) for e in response.context["history"] for c in e.changes}
        assert ("Tệp minh chứng", "—", "ngay-sach.png") in described

    def test_a_bad_file_on_edit_changes_nothing(self, client_for, officer_a, activity_a, tasks):
        url = reverse("plans:activity_update", args=[activity_a.pk])
        before = stored_files()
        response = post_activity(
            client_for(officer_a), activity_data(tasks["4b"], title="Đổi tên", files=[upload("x.jpg", EXE_BYTES)]), url
        )
        assert response.status_code == 200
        activity_a.refresh_from_db()
        assert activity_a.title == "Hội thi “Bàn tay vàng” An Phát"
        assert stored_files() == before


class TestEvidence:
    def download(self, client, activity, evidence):
        return client.get(reverse("plans:evidence_download", args=[activity.pk, evidence.pk]))

    def test_a_photo_is_served_inline_with_safe_headers(self, client_for, official, activity_a):
        photo = activity_a.evidence.get(content_type="image/png")
        response = self.download(client_for(official), activity_a, photo)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline")
        assert "ban-tay-vang.png" in response["Content-Disposition"]
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == png_bytes()

    def test_a_file_is_never_kept_in_a_cache(self, rf, official, activity_a):
        # The view's own header, before the middleware's: evidence may hold workers' faces.
        from plans.views import evidence_download

        request = rf.get("/")
        request.user = official
        response = evidence_download(request, activity_a.pk, activity_a.evidence.first().pk)
        response.close()
        assert {part.strip() for part in response["Cache-Control"].split(",")} == {"private", "no-store"}

    def test_a_pdf_is_served_as_a_download(self, client_for, officer_a, activity_a):
        pdf = activity_a.evidence.get(content_type="application/pdf")
        response = self.download(client_for(officer_a), activity_a, pdf)
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == "application/pdf"

    def test_is_404_for_the_officer_of_another_enterprise(self, client_for, officer_b, activity_a):
        for evidence in activity_a.evidence.all():
            assert self.download(client_for(officer_b), activity_a, evidence).status_code == 404

    def test_cannot_be_reached_through_another_activity(self, client_for, officer_b, activity_a, commune_activity):
        """Enterprise B may see the commune activity; that must not open A's files."""
        evidence = activity_a.evidence.first()
        assert self.download(client_for(officer_b), commune_activity, evidence).status_code == 404

    def test_of_a_commune_activity_is_served_to_every_role(self, client_for, cast, commune_activity):
        evidence = commune_activity.evidence.get()
        for who, user in cast.items():
            assert self.download(client_for(user), commune_activity, evidence).status_code == 200, who

    def test_is_not_served_to_anonymous_visitors(self, client, activity_a):
        response = self.download(client, activity_a, activity_a.evidence.first())
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    def test_is_never_reachable_under_media_url(self, client_for, official, activity_a):
        evidence = activity_a.evidence.first()
        assert client_for(official).get(settings.MEDIA_URL + evidence.file.name).status_code == 404

    def test_missing_from_storage_is_404(self, client_for, official, activity_a):
        evidence = activity_a.evidence.first()
        Path(evidence.file.path).unlink()
        assert self.download(client_for(official), activity_a, evidence).status_code == 404

    def test_an_officer_deletes_a_file_of_their_activity(
        self, client_for, officer_a, activity_a, django_capture_on_commit_callbacks
    ):
        evidence = activity_a.evidence.get(content_type="application/pdf")
        path = Path(evidence.file.path)
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(officer_a).post(
                reverse("plans:evidence_delete", args=[activity_a.pk, evidence.pk]), follow=True
            )
        assert "Đã xóa tệp “ket-qua.pdf”." in response.content.decode()
        assert not Evidence.objects.filter(pk=evidence.pk).exists()
        assert not path.exists()
        described = {(c.label, c.old, c.new) for e in response.context["history"] for c in e.changes}
        assert ("Tệp minh chứng", "ket-qua.pdf", "—") in described

    def test_the_official_deletes_any_file(self, client_for, official, activity_a):
        evidence = activity_a.evidence.first()
        client_for(official).post(reverse("plans:evidence_delete", args=[activity_a.pk, evidence.pk]))
        assert not Evidence.objects.filter(pk=evidence.pk).exists()

    @pytest.mark.parametrize("who, expected", [("officer_b", 404), ("viewer", 403)])
    def test_others_cannot_delete_a_file(self, client_for, cast, activity_a, who, expected):
        evidence = activity_a.evidence.first()
        response = client_for(cast[who]).post(reverse("plans:evidence_delete", args=[activity_a.pk, evidence.pk]))
        assert response.status_code == expected
        assert Path(evidence.file.path).exists()

    def test_an_officer_cannot_delete_a_file_of_a_commune_activity(self, client_for, officer_a, commune_activity):
        evidence = commune_activity.evidence.get()
        response = client_for(officer_a).post(reverse("plans:evidence_delete", args=[commune_activity.pk, evidence.pk]))
        assert response.status_code == 403

    def test_deleting_needs_a_post(self, client_for, official, activity_a):
        evidence = activity_a.evidence.first()
        response = client_for(official).get(reverse("plans:evidence_delete", args=[activity_a.pk, evidence.pk]))
        assert response.status_code == 405


def test_deleting_an_activity_removes_its_files(client_for, officer_a, activity_a, django_capture_on_commit_callbacks):
    paths = [Path(e.file.path) for e in activity_a.evidence.all()]
    task = activity_a.task
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(officer_a).post(reverse("plans:activity_delete", args=[activity_a.pk]))
    assert response["Location"] == task.get_absolute_url()
    assert not Activity.objects.filter(pk=activity_a.pk).exists()
    assert not any(path.exists() for path in paths)
    assert Activity.history.filter(id=activity_a.pk, history_type="-").exists()


class TestWhoSeesWhichActivities:
    def test_officers_see_commune_activities_and_their_own(self, officer_a, officer_b, commune_activity, activity_a):
        assert set(Activity.objects.visible_to(officer_a)) == {commune_activity, activity_a}
        assert set(Activity.objects.visible_to(officer_b)) == {commune_activity}

    def test_the_official_and_the_viewer_see_all(self, official, viewer, commune_activity, activity_a):
        for user in (official, viewer):
            assert set(Activity.objects.visible_to(user)) == {commune_activity, activity_a}

    def test_only_the_owner_officer_and_the_official_may_change(
        self, official, officer_a, officer_b, viewer, commune_activity, activity_a
    ):
        assert access.can_change(official, commune_activity.owner_enterprise_id)
        assert access.can_change(official, activity_a.owner_enterprise_id)
        assert access.can_change(officer_a, activity_a.owner_enterprise_id)
        assert not access.can_change(officer_a, commune_activity.owner_enterprise_id)
        assert not access.can_change(officer_b, activity_a.owner_enterprise_id)
        assert not access.can_change(viewer, activity_a.owner_enterprise_id)

    def test_the_activity_list_filters_by_task_year_and_enterprise(
        self, client_for, official, tasks, commune_activity, activity_a, enterprise_b
    ):
        client = client_for(official)
        url = reverse("plans:activity_list")

        def listed(**params):
            return [a.pk for a in client.get(url, params).context["activities"]]

        assert listed() == [activity_a.pk, commune_activity.pk]
        assert listed(task=tasks["4b"].pk) == [activity_a.pk]
        assert listed(year=2024) == []
        assert listed(enterprise=enterprise_b.pk) == [commune_activity.pk]

    def test_an_officer_cannot_filter_by_another_enterprise(
        self, client_for, officer_a, enterprise_b, commune_activity
    ):
        response = client_for(officer_a).get(reverse("plans:activity_list"), {"enterprise": enterprise_b.pk})
        assert response.status_code == 200
        assert response.context["filter"].errors


def test_a_failure_while_storing_files_leaves_neither_rows_nor_files(tasks, official):
    """The service is all or nothing even past the form: here the second file's row is
    invalid after the first file was already written to storage."""
    from dataclasses import replace

    from django.core.exceptions import ValidationError

    from plans import services
    from plans.uploads import check_evidence_files

    good, second = check_evidence_files([png_upload("mot.png"), png_upload("hai.png")])
    broken = replace(second, content_type="x" * 101)
    activity = Activity(task=tasks["1c"], date="2025-10-01", title="Tuần lễ học tập suốt đời")
    with pytest.raises(ValidationError) as refusal:
        services.activity_save(activity=activity, enterprises=[], files=[good, broken], user=official)
    assert list(refusal.value.message_dict) == ["content_type"]
    assert not Activity.objects.exists() and not Evidence.objects.exists()
    assert stored_files() == []
