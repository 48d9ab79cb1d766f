"""The legal form (loại hình doanh nghiệp) and the economic sector (thành phần kinh tế), kept
apart, and read from enterprise lists as people write them: the usual spellings and
abbreviations, with or without accents, in any case; a value not understood is a warning that
keeps the rest of the row, never a refused file."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from enterprises.imports import legal_form_lookup, read_legal_form, read_sector, sector_lookup
from enterprises.models import EconomicSector, Enterprise, LegalForm

pytestmark = pytest.mark.django_db

HEADER = ["Tên doanh nghiệp", "Mã số thuế", "Loại hình", "Thành phần kinh tế"]


@pytest.mark.parametrize(
    "written, expected",
    [
        ("Công ty TNHH một thành viên", LegalForm.SINGLE_MEMBER_LLC),
        ("Cty TNHH MTV", LegalForm.SINGLE_MEMBER_LLC),
        ("CONG TY TNHH 1TV", LegalForm.SINGLE_MEMBER_LLC),
        ("Công ty TNHH hai thành viên trở lên", LegalForm.MULTI_MEMBER_LLC),
        ("TNHH 2TV", LegalForm.MULTI_MEMBER_LLC),
        ("Công ty cổ phần", LegalForm.JOINT_STOCK),
        ("CP", LegalForm.JOINT_STOCK),
        ("ctcp", LegalForm.JOINT_STOCK),
        ("DNTN", LegalForm.SOLE_PROPRIETORSHIP),
        ("Doanh nghiệp tư nhân", LegalForm.SOLE_PROPRIETORSHIP),
        ("Công ty hợp danh", LegalForm.PARTNERSHIP),
        ("HTX", LegalForm.COOPERATIVE),
        ("hợp tác xã", LegalForm.COOPERATIVE),
        ("Hộ kinh doanh", LegalForm.HOUSEHOLD),
        ("Chi nhánh", LegalForm.BRANCH),
        ("Văn phòng đại diện", LegalForm.BRANCH),
        ("Khác", LegalForm.OTHER),
    ],
)
def test_the_usual_spellings_of_a_legal_form_are_recognised(written, expected):
    assert read_legal_form(written, legal_form_lookup(), sector_lookup()) == ({"legal_form": expected}, None)


@pytest.mark.parametrize(
    "written, expected",
    [
        ("Nhà nước", EconomicSector.STATE),
        ("DNNN", EconomicSector.STATE),
        ("Ngoài nhà nước", EconomicSector.NON_STATE),
        ("ngoai nha nuoc", EconomicSector.NON_STATE),
        ("Tư nhân", EconomicSector.NON_STATE),
        ("Có vốn đầu tư nước ngoài", EconomicSector.FOREIGN),
        ("FDI", EconomicSector.FOREIGN),
        ("Có vốn đầu tư nước ngoài (FDI)", EconomicSector.FOREIGN),
    ],
)
def test_the_usual_spellings_of_a_sector_are_recognised(written, expected):
    assert read_sector(written, sector_lookup()) == ({"economic_sector": expected}, None)


def test_a_sector_written_under_legal_form_is_read_as_the_sector():
    assert read_legal_form("FDI", legal_form_lookup(), sector_lookup()) == (
        {"economic_sector": EconomicSector.FOREIGN},
        None,
    )


class TestImport:
    @pytest.fixture(autouse=True)
    def _official(self, client_for, official):
        client_for(official)  # the import's client logs in as the official

    def test_a_list_from_the_registry_imports_whole_with_its_forms(
        self, client_for, official, workbook, import_enterprises
    ):
        rows = [
            HEADER,
            ["Công ty TNHH May Hoàng Hợp", "2809100001", "Công ty TNHH một thành viên", "Ngoài nhà nước"],
            ["Công ty CP Gạch Hoằng Xuân", "2809100002", "CP", "Nhà nước"],
            ["DNTN Cơ khí Tâm", "2809100003", "DNTN", ""],
            ["Chi nhánh Giày Thanh Hóa", "2809100004-001", "Chi nhánh", "FDI"],
        ]
        import_enterprises(workbook(rows), confirm=True)
        found = {e.tax_code: (e.legal_form, e.economic_sector) for e in Enterprise.objects.all()}
        assert found == {
            "2809100001": (LegalForm.SINGLE_MEMBER_LLC, EconomicSector.NON_STATE),
            "2809100002": (LegalForm.JOINT_STOCK, EconomicSector.STATE),
            "2809100003": (LegalForm.SOLE_PROPRIETORSHIP, ""),
            "2809100004-001": (LegalForm.BRANCH, EconomicSector.FOREIGN),
        }

    def test_a_value_not_understood_warns_and_keeps_the_rest_of_the_row(
        self, client_for, official, workbook, import_enterprises
    ):
        rows = [
            HEADER,
            ["Công ty TNHH Dệt Hoàng Hợp", "2809100005", "Công ty TNHH", "Ngoài nhà nước"],
            ["Cơ sở Mộc Phú", "2809100006", "Tổ hợp tác", "Tập thể"],
        ]
        preview = import_enterprises(workbook(rows))
        page = preview.content.decode()
        assert "data-import-warnings" in page
        assert "Dòng 2" in page and "một thành viên" in page  # which TNHH: the clerk chooses
        assert "“Tổ hợp tác”" in page and "“Tập thể”" in page
        assert preview.context["token"]  # the file is not refused
        import_enterprises(workbook(rows), confirm=True)
        found = {e.tax_code: (e.name, e.legal_form, e.economic_sector) for e in Enterprise.objects.all()}
        assert found == {
            "2809100005": ("Công ty TNHH Dệt Hoàng Hợp", "", EconomicSector.NON_STATE),
            "2809100006": ("Cơ sở Mộc Phú", "", ""),
        }

    def test_other_lists_headers_are_recognised(self, client_for, official, workbook, import_enterprises):
        rows = [
            ["Tên doanh nghiệp", "Mã số thuế", "Loại hình doanh nghiệp", "Thành phần"],
            ["Công ty CP Gạch Hoằng Xuân", "2809100002", "Công ty cổ phần", "Nhà nước"],
        ]
        import_enterprises(workbook(rows), confirm=True)
        enterprise = Enterprise.objects.get()
        assert (enterprise.legal_form, enterprise.economic_sector) == (LegalForm.JOINT_STOCK, EconomicSector.STATE)


def test_the_list_filters_by_each(client_for, official):
    from tests.factories import EnterpriseFactory

    EnterpriseFactory(name="A", tax_code="2809100011", legal_form=LegalForm.JOINT_STOCK, economic_sector="state")
    EnterpriseFactory(name="B", tax_code="2809100012", legal_form=LegalForm.COOPERATIVE, economic_sector="non_state")
    client = client_for(official)

    def names(**params):
        return {e.name for e in client.get(reverse("enterprises:enterprise_list"), params).context["page"]}

    assert names(legal_form="joint_stock") == {"A"}
    assert names(economic_sector="non_state") == {"B"}
    page = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert "Công ty cổ phần" in page and "Loại hình doanh nghiệp" in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_splits_the_old_ownership_into_sector_and_form():
    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(target)
        return executor.loader.project_state(target).apps

    try:
        apps = migrate([("enterprises", "0010_enterprise_follow_dates_constraints")])
        Old = apps.get_model("enterprises", "Enterprise")
        for number, ownership in enumerate(["state", "private", "fdi", "cooperative", "household", "other"]):
            Old.objects.create(
                name=ownership,
                tax_code=f"{2809200000 + number:010d}",
                ownership=ownership,
                followed_from=datetime.date(2024, 1, 1),
            )
        apps = migrate([("enterprises", "0011_legal_form_and_economic_sector")])
        New = apps.get_model("enterprises", "Enterprise")
        assert {e.name: (e.legal_form, e.economic_sector) for e in New.objects.all()} == {
            "state": ("", "state"),
            "private": ("", "non_state"),
            "fdi": ("", "foreign"),
            "cooperative": ("cooperative", "non_state"),
            "household": ("household", "non_state"),
            "other": ("", ""),
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
