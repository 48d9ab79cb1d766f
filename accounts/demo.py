"""Demo accounts for trying the portal. Never run this on a production database."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import OFFICIAL, PROVINCE_ADMIN, PROVINCE_VIEWER, VIEWER
from communes.models import Commune, Membership

DEMO_PASSWORD = "HoangHop@2030"


def demo_user(username: str, *, first_name: str, last_name: str, group: str, email: str = ""):
    """Create the account once; keep its password as the demo password every time."""
    User = get_user_model()
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "email": email},
    )
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    served = Commune.objects.served()
    if group in (OFFICIAL, VIEWER) and served is not None:
        # The demo's official and viewer serve the demo's commune (Hoàng Hợp).
        Membership.objects.get_or_create(user=user, commune=served)
    return user


def seed() -> list[tuple[str, str]]:
    """The commune-level accounts: (username, role description)."""
    demo_user("canbo.vanhoa", first_name="Lan", last_name="Nguyễn Thị", group=OFFICIAL, email="vanhoa@hoanghop.example")
    # The superior body is the province since districts ended on 1/7/2025.
    demo_user("tinh.xem", first_name="Tuấn", last_name="Lê Văn", group=VIEWER, email="ldld@thanhhoa.example")
    # Keeps the province's list of communes (issue 17); sees no commune's data.
    demo_user(
        "tinh.quantri", first_name="Thu", last_name="Hoàng Thị", group=PROVINCE_ADMIN, email="quantri@thanhhoa.example"
    )
    # Reads the province's roll-up of every commune (issue 17): aggregates, never a name.
    demo_user(
        "tinh.theodoi", first_name="Hải", last_name="Trịnh Văn", group=PROVINCE_VIEWER, email="theodoi@thanhhoa.example"
    )
    return [
        ("canbo.vanhoa", "Công chức Văn hóa - Xã hội (công chức xã)"),
        ("tinh.xem", "Liên đoàn Lao động tỉnh (chỉ xem)"),
        ("tinh.quantri", "Quản trị viên cấp tỉnh (danh sách xã, phường)"),
        ("tinh.theodoi", "Cán bộ theo dõi của tỉnh (tổng hợp các xã)"),
    ]
