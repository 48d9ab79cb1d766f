"""Demo work under the plan: activities the commune really holds every year, a few task
statuses and the annual plan for 2025. Never run on a production database.

Idempotent: activities are matched by title and date, statuses are set only on tasks
nobody has edited yet, and an existing annual plan is left as it is.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from enterprises.models import Enterprise

from . import services
from .forms import plan_tasks
from .models import Activity, Plan, TaskStatus

GARMENT_TAX_CODE = "2801234567"  # Công ty TNHH May mặc Hoàng Hợp in enterprises.demo

ACTIVITIES = [
    {
        "task": "1c",
        "date": datetime.date(2024, 10, 2),
        "title": "Hưởng ứng Tuần lễ học tập suốt đời năm 2024",
        "place": "Nhà văn hóa xã Hoàng Hợp",
        "organiser": "UBND xã phối hợp công đoàn cơ sở các doanh nghiệp",
        "workers_reached": 186,
        "enterprises": "all",
        "description": "Treo băng rôn, phát thanh trên loa truyền thanh xã; giới thiệu sách, "
        "tài liệu học tập và các khóa học trực tuyến miễn phí cho CNLĐ; "
        "phát động CNLĐ đăng ký danh hiệu “Công dân học tập”.",
    },
    {
        "task": "1c",
        "date": datetime.date(2025, 4, 21),
        "title": "Ngày Sách và Văn hóa đọc Việt Nam 21/4/2025",
        "place": "Thư viện xã Hoàng Hợp",
        "organiser": "Công chức Văn hóa – xã hội",
        "workers_reached": 94,
        "enterprises": "all",
        "description": "Trưng bày, giới thiệu sách về pháp luật lao động và kỹ năng nghề; "
        "tặng tủ sách cho công đoàn cơ sở các doanh nghiệp; "
        "hướng dẫn CNLĐ đọc sách điện tử trên điện thoại.",
    },
    {
        "task": "1b",
        "date": datetime.date(2025, 5, 16),
        "title": "Tập huấn kỹ năng tuyên truyền, vận động học tập suốt đời cho cán bộ công đoàn cơ sở",
        "place": "Hội trường UBND xã Hoàng Hợp",
        "organiser": "UBND xã phối hợp Liên đoàn Lao động huyện Hoàng Hóa",
        "workers_reached": 28,
        "enterprises": "all",
        "description": "Một ngày tập huấn cho cán bộ công đoàn cơ sở về kỹ năng tuyên truyền, "
        "vận động CNLĐ và người sử dụng lao động tham gia học tập suốt đời.",
    },
    {
        "task": "4b",
        "date": datetime.date(2025, 8, 22),
        "title": "Hội thi “Bàn tay vàng” thợ may giỏi năm 2025",
        "place": "Xưởng may số 2, Công ty TNHH May mặc Hoàng Hợp",
        "organiser": "Công đoàn cơ sở Công ty TNHH May mặc Hoàng Hợp",
        "workers_reached": 64,
        "enterprises": "garment",
        "owner": "garment",
        "description": "Thi tay nghề may hoàn thiện sản phẩm theo tổ; 12 CNLĐ đạt giải, "
        "3 CNLĐ được đề nghị nâng bậc thợ.",
    },
    {
        "task": "1d",
        "date": datetime.date(2025, 8, 29),
        "title": "Biểu dương, khen thưởng CNLĐ và con CNLĐ hiếu học năm học 2024–2025",
        "place": "Nhà văn hóa xã Hoàng Hợp",
        "organiser": "UBND xã phối hợp MTTQ và các đoàn thể",
        "workers_reached": 45,
        "enterprises": "all",
        "description": "Khen thưởng 15 CNLĐ có thành tích tự học nâng cao tay nghề và "
        "30 cháu là con CNLĐ đạt học sinh giỏi các cấp.",
    },
    {
        "task": "1c",
        "date": datetime.date(2025, 10, 1),
        "title": "Hưởng ứng Tuần lễ học tập suốt đời năm 2025",
        "place": "Nhà văn hóa xã Hoàng Hợp",
        "organiser": "UBND xã phối hợp công đoàn cơ sở các doanh nghiệp",
        "workers_reached": 212,
        "enterprises": "all",
        "description": "Chủ đề “Học tập suốt đời – cơ hội có việc làm bền vững”; "
        "giới thiệu kỹ năng số cơ bản cho CNLĐ (dịch vụ công trực tuyến, "
        "an toàn trên mạng).",
    },
]

# Each status with the day it was recorded: the appendices show a task as its history held
# it at a period's end, so the demo's history is dated as if the portal had been in use
# since the plan was issued (issue 16).
STATUSES = {
    "1a": (
        TaskStatus.ONGOING,
        "Tuyên truyền thường xuyên trên loa truyền thanh xã và các nhóm Zalo của công đoàn cơ sở.",
    ),
    "1b": (
        TaskStatus.IN_PROGRESS,
        "Đã tập huấn cán bộ công đoàn cơ sở tháng 5/2025; năm 2026 tập huấn cho doanh nghiệp mới thành lập công đoàn.",
    ),
    "1c": (
        TaskStatus.ONGOING,
        "Hưởng ứng hằng năm Tuần lễ học tập suốt đời (đầu tháng 10) và Ngày Sách và Văn hóa đọc Việt Nam (21/4).",
    ),
    "1d": (
        TaskStatus.ONGOING,
        "Biểu dương, khen thưởng CNLĐ và con CNLĐ hiếu học hằng năm vào dịp khai giảng năm học.",
    ),
    "4b": (TaskStatus.IN_PROGRESS, "Công ty May mặc Hoàng Hợp tổ chức thi “Bàn tay vàng” năm 2025."),
}
STATUS_DATES = {
    "1a": datetime.date(2024, 3, 1),
    "1b": datetime.date(2025, 5, 20),
    "1c": datetime.date(2024, 10, 8),
    "1d": datetime.date(2025, 9, 5),
    "4b": datetime.date(2025, 8, 25),
}


def date_history(record, day: datetime.date) -> None:
    """Move a history record to noon of `day` in the commune's time zone (demo data only)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    type(record).objects.filter(pk=record.pk).update(history_date=moment)


ANNUAL_PLAN_2025 = {
    "tasks": ["1a", "1b", "1c", "1d", "2c", "4b"],
    "notes": "Trọng tâm năm 2025: đạt mục tiêu giai đoạn 2021–2025; hưởng ứng Ngày Sách (21/4) và "
    "Tuần lễ học tập suốt đời (1–7/10); tập huấn cán bộ công đoàn cơ sở trong quý II; "
    "vận động doanh nghiệp tổ chức thi thợ giỏi, “Bàn tay vàng”.",
}


def seed() -> list[tuple[str, str]]:
    plan = Plan.objects.current()
    if plan is None:
        call_command("load_plan", verbosity=0)
        plan = Plan.objects.current()
    tasks = {task.code: task for task in plan_tasks(plan)}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["canbo.vanhoa", "congdoan.maymac"])}
    everyone = list(Enterprise.objects.active())
    garment = Enterprise.objects.filter(tax_code=GARMENT_TAX_CODE).first()
    groups = {"all": everyone, "garment": [garment] if garment else []}

    for row in ACTIVITIES:
        if Activity.objects.filter(title=row["title"], date=row["date"]).exists():
            continue
        owner = garment if row.get("owner") == "garment" else None
        user = users.get("congdoan.maymac" if owner else "canbo.vanhoa")
        activity = Activity(
            task=tasks[row["task"]],
            date=row["date"],
            title=row["title"],
            place=row["place"],
            organiser=row["organiser"],
            workers_reached=row["workers_reached"],
            description=row["description"],
            owner_enterprise=owner,
        )
        activity._history_user = user
        services.activity_save(activity=activity, enterprises=groups[row["enterprises"]], user=user)

    # The tasks as loaded (not started) date from the plan's issue, as if the portal had held
    # them since; only tasks nobody has edited yet.
    issued = datetime.date(plan.issued_year, plan.issued_month or 12, 1)
    for task in tasks.values():
        if task.version == 1 and task.history.count() == 1:
            date_history(task.history.get(), issued)
    for code, (status, notes) in STATUSES.items():
        task = tasks[code]
        if task.version == 1 and task.status == TaskStatus.NOT_STARTED and not task.progress_notes:
            services.task_update(
                task=task,
                version=task.version,
                status=status,
                lead_unit=task.lead_unit,
                coordinating_units=task.coordinating_units.all(),
                progress_notes=notes,
            )
            date_history(task.history.order_by("-history_date", "-history_id").first(), STATUS_DATES[code])

    if not plan.annual_plans.filter(year=2025).exists():
        services.annual_plan_save(
            plan=plan,
            year=2025,
            tasks=[tasks[code] for code in ANNUAL_PLAN_2025["tasks"]],
            notes=ANNUAL_PLAN_2025["notes"],
        )
    return []
