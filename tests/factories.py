"""Factories for every model, in one place (cookiecutter-django style)."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import OFFICER, OFFICIAL, PROVINCE_ADMIN, PROVINCE_VIEWER, VIEWER
from communes.models import Commune, CommuneKind, CommuneLeader, Membership
from enterprises.models import EconomicSector, Enterprise, LegalForm, Sex, UnionOfficer, Worker
from indicators import totals
from indicators.models import (
    EnterpriseReport,
    Indicator,
    Milestone,
    PeriodKind,
    PeriodState,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
    Target,
    WorkerOutcome,
)
from plans.models import Activity, AnnualPlan, Plan, Task, TaskGroup, Unit

PASSWORD = "Mật-khẩu-thử-2030"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Lan"
    last_name = "Nguyễn Thị"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    # UserFactory(role=OFFICER) puts the user in that role's group.
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        self.save()


def _serving(user, communes):
    """`user` serves `communes`; by default the served commune, as the data migration gave
    every official and viewer an installation had."""
    if communes is None:
        from .conftest import served_commune  # the conftest imports this module

        communes = [served_commune()]
    for commune in communes:
        Membership.objects.get_or_create(user=user, commune=commune)
    return user


def OfficialFactory(*, communes=None, **kwargs):
    return _serving(UserFactory(role=OFFICIAL, **kwargs), communes)


def ViewerFactory(*, communes=None, **kwargs):
    return _serving(UserFactory(role=VIEWER, **kwargs), communes)


def ProvinceAdminFactory(**kwargs):
    return UserFactory(role=PROVINCE_ADMIN, **kwargs)


def ProvinceViewerFactory(**kwargs):
    return UserFactory(role=PROVINCE_VIEWER, **kwargs)


def served() -> Commune:
    """The commune a plan or a period belongs to unless the test names another (commune B of
    the access matrix): the served one, as the code creating a row in its scope would give."""
    return Commune.objects.served()


class CommuneFactory(factory.django.DjangoModelFactory):
    """A commune of the province as the province administrator adds it (names for the
    tests, codes clear of the real ones the tests name)."""

    class Meta:
        model = Commune

    code = factory.Sequence(lambda n: f"{98000 + n:05d}")
    name = factory.Sequence(lambda n: f"Thử Nghiệm {n}")
    kind = CommuneKind.COMMUNE
    slug = factory.Sequence(lambda n: f"thu-nghiem-{n}")
    body = factory.LazyAttribute(lambda c: f"Ủy ban nhân dân xã {c.name}")
    place = factory.LazyAttribute(lambda c: c.name)
    superior = "Ủy ban nhân dân tỉnh Thanh Hóa"
    addressee = "Liên đoàn Lao động tỉnh Thanh Hóa"


class CommuneLeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommuneLeader

    commune = factory.SubFactory(CommuneFactory)
    name = "Trần Văn Cường"
    position = "Chủ tịch"
    order = 1


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    commune = factory.LazyFunction(served)
    name = factory.Sequence(lambda n: f"Công ty TNHH Thử nghiệm {n}")
    tax_code = factory.Sequence(lambda n: f"{2810000000 + n:010d}")  # clear of the cast's 28000000xx
    address = "Thôn 2"
    sector = "Dệt may"
    legal_form = LegalForm.SINGLE_MEMBER_LLC
    economic_sector = EconomicSector.NON_STATE
    has_union = True
    union_name = factory.LazyAttribute(lambda e: f"Công đoàn cơ sở {e.name}")
    is_active = True
    # Followed since before the plan's first period, so that every test period counts it;
    # EnterpriseFactory(is_active=False) stopped before them all. Tests of who counts in a
    # period set both dates.
    followed_from = datetime.date(2023, 1, 1)
    stopped_from = factory.LazyAttribute(lambda e: None if e.is_active else datetime.date(2023, 1, 1))


class UnionOfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnionOfficer

    user = factory.SubFactory(UserFactory, role=OFFICER)
    enterprise = factory.SubFactory(EnterpriseFactory)


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    enterprise = factory.SubFactory(EnterpriseFactory)
    employee_code = factory.Sequence(lambda n: f"NV{n:05d}")
    full_name = factory.Sequence(lambda n: f"Công nhân {n}")
    sex = Sex.FEMALE
    birth_year = 1995
    job = "Công nhân may"


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ["commune", "code"]

    commune = factory.LazyFunction(served)

    code = "test-plan"
    number = "Số: /KH-UBND"
    title = "Kế hoạch thử nghiệm"
    issuer = "Ủy ban nhân dân xã Hoàng Hợp"
    issued_year = 2023
    start_year = 2024
    end_year = 2030


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")


class TaskGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskGroup

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Tuyên truyền, phổ biến"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    group = factory.SubFactory(TaskGroupFactory)
    letter = factory.Sequence(lambda n: "abcdefghik"[n % 10] + ("" if n < 10 else str(n // 10)))
    text = "Tăng cường tuyên truyền, phổ biến về học tập suốt đời."
    lead_unit = factory.SubFactory(UnitFactory)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    task = factory.SubFactory(TaskFactory)
    date = datetime.date(2025, 10, 2)
    title = "Tuần lễ hưởng ứng học tập suốt đời"
    place = "Nhà văn hoá xã"
    organiser = "UBND xã"
    workers_reached = 120


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan

    plan = factory.SubFactory(PlanFactory)
    year = 2025


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ["plan", "code"]

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: "abcde"[n % 5] if n < 5 else f"x{n}")
    order = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Chỉ tiêu {n}")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2025
    value = Decimal("90")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2024
    value = Decimal("50")


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ["commune", "code"]

    commune = factory.LazyFunction(served)

    year = 2025
    kind = PeriodKind.ANNUAL
    code = factory.LazyAttribute(lambda p: f"{p.year}-H1" if p.kind == PeriodKind.HALF_YEAR else str(p.year))
    start = factory.LazyAttribute(lambda p: datetime.date(p.year, 1, 1))
    end = factory.LazyAttribute(
        lambda p: datetime.date(p.year, 6, 30) if p.kind == PeriodKind.HALF_YEAR else datetime.date(p.year, 12, 31)
    )
    deadline = factory.LazyAttribute(lambda p: p.end + datetime.timedelta(days=15))
    state = PeriodState.OPEN


class ReportFactory(factory.django.DjangoModelFactory):
    """A report with figures: pass counts={"a": 90, "b": 50} for its indicator values."""

    class Meta:
        model = EnterpriseReport
        skip_postgeneration_save = True

    enterprise = factory.SubFactory(EnterpriseFactory)
    period = factory.SubFactory(PeriodFactory)
    status = ReportStatus.APPROVED
    total_workers = 100
    female_workers = 60

    class Params:
        # late=True: first submitted the day after the period's deadline (as it is now).
        late = factory.Trait(
            first_submitted_on=factory.LazyAttribute(lambda r: r.period.deadline + datetime.timedelta(days=1))
        )

    @factory.post_generation
    def counts(self, create, extracted, **kwargs):
        for code, count in (extracted or {}).items():
            indicator = Indicator.objects.get(code=code)
            ReportValue.objects.create(report=self, indicator=indicator, count=count)

    @factory.post_generation
    def period_totals(self, create, extracted, **kwargs):
        # A report made here bypasses the services, which keep the period's totals: count
        # them again, as `manage.py rebuild_totals` would (indicators.totals); the later
        # periods' too, whose lower bound takes an approved report's headcount.
        if create:
            totals.rebuild(ReportingPeriod.objects.filter(end__gte=self.period.end).values_list("pk", flat=True))


class WorkerOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerOutcome

    worker = factory.SubFactory(WorkerFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    achieved_on = datetime.date(2025, 3, 1)
