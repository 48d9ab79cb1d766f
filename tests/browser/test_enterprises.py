"""The official imports the commune's enterprises from Excel, gives one of them a union
officer with an initial password, and the officer logs in and sees only that enterprise."""

from openpyxl import Workbook

from enterprises.models import Enterprise

HEADER = [
    "STT",
    "Tên doanh nghiệp",
    "Mã số thuế",
    "Địa chỉ",
    "Ngành nghề",
    "Loại hình",
    "Công đoàn cơ sở",
    "Điện thoại",
    "Email",
]


def build_workbook(path):
    book = Workbook()
    sheet = book.active
    sheet.append(["ỦY BAN NHÂN DÂN XÃ HOÀNG HỢP"])
    sheet.append(["DANH SÁCH DOANH NGHIỆP TRÊN ĐỊA BÀN XÃ"])
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(
        [
            1,
            "Công ty TNHH Dệt kim Hoàng Hợp",
            "2809000001",
            "Thôn 5",
            "Dệt kim",
            "Tư nhân",
            "Công đoàn cơ sở Dệt kim Hoàng Hợp",
            "0237 3869 001",
            "detkim@example.vn",
        ]
    )
    sheet.append(
        [
            2,
            "Công ty CP Gạch tuynel Hoằng Hợp",
            2809000002,
            "Thôn 4",
            "Vật liệu xây dựng",
            "Tư nhân",
            "CĐCS Gạch tuynel",
            None,
            None,
        ]
    )
    sheet.append(
        [
            3,
            "Hợp tác xã Dịch vụ nông nghiệp Hoàng Hợp",
            "2809000003",
            "Thôn 2",
            "Nông nghiệp",
            "Hợp tác xã",
            None,
            None,
            None,
        ]
    )
    book.save(path)
    return path


def test_official_imports_enterprises_and_creates_an_officer_who_sees_only_their_enterprise(
    desktop, official, tmp_path
):
    page = desktop.login(official.username, None)
    page.click("[data-nav=enterprises]")
    page.click("a[href='/enterprises/import/']")
    page.set_input_files("input[name=file]", str(build_workbook(tmp_path / "doanh-nghiep.xlsx")))
    page.click("[data-import-form] button[type=submit]")
    assert page.inner_text("[data-count=new]") == "3"
    assert "Dệt kim Hoàng Hợp" in page.inner_text("[data-preview-rows]")
    desktop.screenshot("enterprise-import-preview")
    page.click("[data-confirm-import]")
    page.wait_for_selector("[data-enterprise-table]")
    assert "Đã nhập xong: thêm 3 doanh nghiệp" in page.inner_text("main")
    assert Enterprise.objects.count() == 3

    page.click("text=Công ty TNHH Dệt kim Hoàng Hợp")
    knit = Enterprise.objects.get(tax_code="2809000001")
    assert page.url.endswith(knit.get_absolute_url())
    page.click(f"a[href='/enterprises/{knit.pk}/officers/add/']")
    page.fill("input[name=username]", "congdoan.detkim")
    page.fill("input[name=full_name]", "Nguyễn Thị Thu Hà")
    page.fill("input[name=phone]", "0912 345 678")
    page.check("input[name=delivery][value=show]")
    page.click("[data-officer-form] button[type=submit]")
    password = page.inner_text("[data-password]").strip()
    assert page.inner_text("[data-username]") == "congdoan.detkim"
    desktop.screenshot("officer-initial-password")
    page.reload()
    assert page.locator("[data-password]").count() == 0  # shown once
    assert page.locator("[data-password-gone]").is_visible()

    page.context.clear_cookies()
    page = desktop.login("congdoan.detkim", password)
    assert page.url.endswith("/")
    desktop.open(knit.get_absolute_url())
    assert page.inner_text("[data-enterprise-name]") == knit.name
    assert page.locator("[data-nav=enterprises]").count() == 0
    assert "Nguyễn Thị Thu Hà" in page.inner_text("[data-officers]")
    assert not desktop.console_errors  # the 404 and 403 below are logged by the browser on purpose

    other = Enterprise.objects.get(tax_code="2809000002")
    response = page.goto(desktop.base_url + other.get_absolute_url())
    assert response.status == 404
    assert "Không tìm thấy trang" in page.inner_text("main")
    assert other.name not in page.content()
    response = page.goto(desktop.base_url + "/enterprises/")
    assert response.status == 403


def test_the_enterprise_page_and_roster_fit_a_phone(phone, officer_a, enterprise_a):
    from tests.factories import WorkerFactory

    WorkerFactory.create_batch(3, enterprise=enterprise_a)
    phone.login(officer_a.username, None)
    for path, name in [
        (enterprise_a.get_absolute_url(), "enterprise-phone"),
        (f"/enterprises/{enterprise_a.pk}/workers/", "roster-phone"),
        (f"/enterprises/{enterprise_a.pk}/workers/add/", "worker-form-phone"),
    ]:
        phone.open(path)
        phone.screenshot(name)
        assert not phone.has_horizontal_scroll(), path
    assert not phone.console_errors
