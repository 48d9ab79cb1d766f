"""Demo enterprises of Hoàng Hợp commune and their union officers."""

from enterprises.models import Enterprise, Ownership, UnionOfficer
from enterprises.roles import OFFICER
from hoanghop.demo import demo_user

ENTERPRISES = [
    {"tax_code": "2801234567", "name": "Công ty TNHH May mặc Hoàng Hợp", "address": "Thôn 3",
     "sector": "Dệt may", "ownership": Ownership.PRIVATE, "has_union": True,
     "union_name": "Công đoàn cơ sở Công ty TNHH May mặc Hoàng Hợp", "phone": "0237 3861 234",
     "officer": ("congdoan.maymac", "Hoa", "Trần Thị")},
    {"tax_code": "2802345678", "name": "Công ty TNHH Giày da Thanh Hoá – chi nhánh Hoàng Hợp",
     "address": "Thôn 1", "sector": "Da giày", "ownership": Ownership.FDI, "has_union": True,
     "union_name": "Công đoàn cơ sở Giày da Thanh Hoá", "phone": "0237 3862 345",
     "officer": ("congdoan.giayda", "Minh", "Lê Văn")},
]


def seed() -> list[tuple[str, str]]:
    logins = []
    for row in ENTERPRISES:
        row = dict(row)
        username, first, last = row.pop("officer")
        enterprise, _created = Enterprise.objects.get_or_create(tax_code=row["tax_code"], defaults=row)
        user = demo_user(username, first_name=first, last_name=last, group=OFFICER)
        UnionOfficer.objects.get_or_create(user=user, defaults={"enterprise": enterprise})
        logins.append((username, f"Cán bộ Công đoàn cơ sở – {enterprise.name}"))
    return logins
