"""Demo enterprises of Hoàng Hợp commune, their union officers and one worker roster.

Idempotent: enterprises are matched by tax code, accounts by username and workers by
employee code, so running `seed_demo` again changes nothing the official edited.
"""

import datetime
import random

from django.utils import timezone

from accounts.demo import demo_user
from accounts.roles import OFFICER
from enterprises.models import EconomicSector, Enterprise, LegalForm, Sex, UnionOfficer, Worker

ENTERPRISES = [
    {
        "tax_code": "2801234567",
        "name": "Công ty TNHH May mặc Hoàng Hợp",
        "address": "Thôn 3",
        "sector": "Dệt may",
        "legal_form": LegalForm.SINGLE_MEMBER_LLC,
        "economic_sector": EconomicSector.NON_STATE,
        "has_union": True,
        "union_name": "Công đoàn cơ sở Công ty TNHH May mặc Hoàng Hợp",
        "phone": "0237 3861 234",
        "officer": ("congdoan.maymac", "Hoa", "Trần Thị"),
    },
    {
        "tax_code": "2802345678",
        "name": "Công ty TNHH Giày da Thanh Hóa – chi nhánh Hoàng Hợp",
        "address": "Thôn 1",
        "sector": "Da giày",
        "legal_form": LegalForm.BRANCH,
        "economic_sector": EconomicSector.FOREIGN,
        "has_union": True,
        "union_name": "Công đoàn cơ sở Giày da Thanh Hóa",
        "phone": "0237 3862 345",
        "officer": ("congdoan.giayda", "Minh", "Lê Văn"),
    },
    {
        "tax_code": "2803456712",
        "name": "Công ty Cổ phần Gạch tuynel Hoàng Hợp",
        "address": "Thôn 5",
        "sector": "Sản xuất vật liệu xây dựng (gạch tuynel)",
        "legal_form": LegalForm.JOINT_STOCK,
        "economic_sector": EconomicSector.NON_STATE,
        "has_union": True,
        "union_name": "Công đoàn cơ sở Công ty CP Gạch tuynel Hoàng Hợp",
        "phone": "0237 3863 456",
        "email": "gachtuynel.hoanghop@example.vn",
        "officer": ("congdoan.gachtuynel", "Dũng", "Nguyễn Văn", "Chủ tịch công đoàn cơ sở"),
    },
    {
        "tax_code": "2804567823",
        "name": "Công ty TNHH Chế biến hải sản Hải Hoàng",
        "address": "Thôn 7",
        "sector": "Chế biến hải sản",
        "legal_form": LegalForm.MULTI_MEMBER_LLC,
        "economic_sector": EconomicSector.NON_STATE,
        "has_union": True,
        "union_name": "Công đoàn cơ sở Công ty TNHH Chế biến hải sản Hải Hoàng",
        "phone": "0237 3864 567",
        "email": "haisan.haihoang@example.vn",
        "officer": ("congdoan.haisan", "Thúy", "Lê Thị", "Phó Chủ tịch công đoàn cơ sở"),
    },
    {
        "tax_code": "2805678934",
        "name": "Hợp tác xã Dịch vụ nông nghiệp Hoàng Hợp",
        "address": "Thôn 2",
        "sector": "Dịch vụ nông nghiệp",
        "legal_form": LegalForm.COOPERATIVE,
        "economic_sector": EconomicSector.NON_STATE,
        "has_union": False,
        "union_name": "",
        "phone": "0237 3865 678",
        "officer": None,
    },
    {
        "tax_code": "2806789045",
        "name": "Công ty TNHH Cơ khí Minh Tâm",
        "address": "Thôn 4",
        "sector": "Cơ khí, gia công kim loại",
        "legal_form": LegalForm.SINGLE_MEMBER_LLC,
        "economic_sector": EconomicSector.NON_STATE,
        "has_union": True,
        "union_name": "Công đoàn cơ sở Công ty TNHH Cơ khí Minh Tâm",
        "phone": "0912 345 678",
        "officer": ("congdoan.cokhi", "Tâm", "Phạm Minh", "Chủ tịch công đoàn cơ sở"),
    },
    {
        "tax_code": "2807890156",
        "name": "Công ty TNHH Đồ gỗ nội thất Phú Hưng",
        "address": "Thôn 6",
        "sector": "Sản xuất đồ gỗ nội thất",
        "legal_form": LegalForm.MULTI_MEMBER_LLC,
        "economic_sector": EconomicSector.NON_STATE,
        "has_union": True,
        "union_name": "Công đoàn cơ sở Công ty TNHH Đồ gỗ Phú Hưng",
        "phone": "0237 3866 789",
        "email": "dogo.phuhung@example.vn",
        "officer": ("congdoan.dogo", "Hùng", "Hoàng Văn", "Chủ tịch công đoàn cơ sở"),
    },
    # Registered in the commune in March 2026: it counts from the first six months of 2026
    # on, never in 2025 or before (indicators.progress, rule 1).
    {
        "tax_code": "2807123458",
        "name": "Công ty TNHH Bao bì Hoàng Phát",
        "address": "Thôn 7",
        "sector": "Sản xuất bao bì carton",
        "legal_form": LegalForm.SINGLE_MEMBER_LLC,
        "economic_sector": EconomicSector.NON_STATE,
        "has_union": True,
        "union_name": "Công đoàn cơ sở Công ty TNHH Bao bì Hoàng Phát",
        "phone": "0237 3868 901",
        "followed_from": datetime.date(2026, 3, 2),
        "officer": ("congdoan.baobi", "Phát", "Lê Văn", "Chủ tịch công đoàn cơ sở"),
    },
    # Stopped trading at the end of 2024: no longer followed from 2025, kept so that its
    # history and its 2024 reports remain; it counts in 2024's periods, not after.
    {
        "tax_code": "2808901267",
        "name": "Công ty TNHH Mây tre đan xuất khẩu Hoàng Hợp",
        "address": "Thôn 8",
        "sector": "Thủ công mỹ nghệ mây tre đan",
        "legal_form": LegalForm.MULTI_MEMBER_LLC,
        "economic_sector": EconomicSector.NON_STATE,
        "has_union": True,
        "union_name": "Công đoàn cơ sở Công ty TNHH Mây tre đan Hoàng Hợp",
        "phone": "0237 3867 890",
        "is_active": False,
        "stopped_from": datetime.date(2025, 1, 1),
        "officer": None,
    },
]

GARMENT_TAX_CODE = "2801234567"
# The commune has followed its enterprises since it issued the plan, unless said otherwise.
FOLLOWED_SINCE = datetime.date(2023, 1, 1)
FAMILY_NAMES = ["Nguyễn", "Lê", "Trần", "Hoàng", "Phạm", "Vũ", "Đỗ", "Lường", "Mai", "Bùi"]
MIDDLE_FEMALE = ["Thị", "Thị Thu", "Thị Hồng", "Thị Ngọc", "Thị Thanh"]
MIDDLE_MALE = ["Văn", "Đình", "Minh", "Hữu", "Xuân"]
GIVEN_FEMALE = ["Hà", "Lan", "Hương", "Mai", "Nga", "Thảo", "Trang", "Yến", "Hằng", "Linh", "Nhung", "Phương"]
GIVEN_MALE = ["Hùng", "Dũng", "Nam", "Tuấn", "Quang", "Sơn", "Thắng", "Long"]
GARMENT_JOBS = [
    "Công nhân may",
    "Công nhân may",
    "Công nhân may",
    "Thợ cắt",
    "Kiểm hàng (KCS)",
    "Là, đóng gói",
    "Tổ trưởng chuyền may",
    "Thợ cơ điện",
]
# Share of the garment workers who met each indicator, by indicator code.


def seed() -> list[tuple[str, str]]:
    logins = []
    for row in ENTERPRISES:
        row = {"followed_from": FOLLOWED_SINCE, **row}
        officer = row.pop("officer")
        enterprise, _created = Enterprise.objects.get_or_create(tax_code=row["tax_code"], defaults=row)
        if officer is None:
            continue
        username, first, last, *position = officer
        user = demo_user(username, first_name=first, last_name=last, group=OFFICER)
        UnionOfficer.objects.get_or_create(
            user=user,
            defaults={"enterprise": enterprise, "position": position[0] if position else ""},
        )
        logins.append((username, f"Cán bộ công đoàn cơ sở – {enterprise.name}"))
    seed_garment_roster()
    return logins


def seed_garment_roster(size: int = 40) -> None:
    """About forty workers of the garment company, with outcomes spread over the indicators.

    Their outcomes are indicators' rows: `indicators.demo` adds them once the plan is loaded.
    """

    enterprise = Enterprise.objects.get(tax_code=GARMENT_TAX_CODE)
    rng = random.Random(2030)  # the same roster every time
    workers = []
    for number in range(1, size + 1):
        female = rng.random() < 0.8  # garment work is mostly done by women
        name = " ".join(
            [
                rng.choice(FAMILY_NAMES),
                rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
                rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
            ]
        )
        worker, _created = Worker.objects.get_or_create(
            enterprise=enterprise,
            employee_code=f"MM{number:04d}",
            defaults={
                "full_name": name,
                "sex": Sex.FEMALE if female else Sex.MALE,
                "birth_year": rng.randint(1976, 2004),
                "job": rng.choice(GARMENT_JOBS),
                "is_active": number <= size - 2,  # two have left, two months ago
                "left_on": None if number <= size - 2 else timezone.localdate() - datetime.timedelta(days=60),
            },
        )
        workers.append(worker)
