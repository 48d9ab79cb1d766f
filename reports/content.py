"""What a commune report says: its figures, its state, its drafts, and its parts as text.

`report_content(period, kind)` gathers everything the report page and the Word document
show, in a fixed number of queries whatever the number of enterprises (the figures come
from indicators.progress, the same as the dashboards, the API and the Excel workbook; no
enterprise is listed: the workbook's appendices do that). Nothing here knows about requests
or about Word: reports.word draws a `ReportContent`, the page shows it.

Texts are built in the active language; numbers go through the portal's filters (1.234,
28,6%, rounded half up).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.identity import current as commune
from core import documents
from core.identity import Identity
from core.templatetags.portal import num, pct
from indicators import progress
from indicators.exports import appendix_titles
from indicators.models import PeriodKind, PeriodState, ReportingPeriod, Target
from plans.models import Activity, AnnualPlan, Plan, Task, TaskGroup, TaskStatus, task_states_at_end_of

from .models import Narrative, ReportKind

# The drafting office's short name in "Lưu: VT, …" (công chức Văn hóa - Xã hội).
ARCHIVE = "VT, VHXH"
# Activities named in a task group's paragraph; the appendix lists them all.
ACTIVITIES_NAMED = 3


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def bar(value: Decimal | None) -> str:
    """A target or milestone: '90%' when whole, '64,3%' otherwise (a rate always shows its decimal)."""
    if value is not None and value == value.to_integral_value():
        return pct(value, 0)
    return pct(value)


def day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


# --- which reports a period has -------------------------------------------------------


def target_years(plan: Plan | None) -> list[int]:
    if plan is None:
        return []
    return sorted(set(Target.objects.filter(indicator__plan=plan).values_list("year", flat=True)))


def kinds_of(period: ReportingPeriod, plan: Plan | None) -> list[str]:
    """The reports a period has: the periodic one always; at the annual period of the first
    target year the mid-term review (sơ kết), at the last target year's the final one."""
    kinds = [ReportKind.PERIODIC]
    years = target_years(plan)
    if period.kind == PeriodKind.ANNUAL and years:
        if len(years) > 1 and period.year == years[0]:
            kinds.append(ReportKind.MIDTERM)
        if period.year == years[-1]:
            kinds.append(ReportKind.FINAL)
    return kinds


@dataclass(frozen=True)
class Span:
    """The time a report covers: the period's, or a review's from the plan's start."""

    start: datetime.date
    end: datetime.date
    first_year: int
    last_year: int


def span_of(period: ReportingPeriod, kind: str, plan: Plan | None) -> Span:
    if kind == ReportKind.PERIODIC or plan is None:
        return Span(period.start, period.end, period.start.year, period.end.year)
    start = datetime.date(plan.issued_year, plan.issued_month or 1, 1)
    return Span(start, period.end, plan.issued_year, period.year)


# --- honest state -------------------------------------------------------------------


@dataclass(frozen=True)
class DraftState:
    """Whether the report may only be a draft (DỰ THẢO), and why."""

    reasons: tuple[str, ...]

    @property
    def is_draft(self) -> bool:
        return bool(self.reasons)

    def note(self) -> str:
        """'DỰ THẢO, chưa dùng để ký: …' with the reasons; '' when the report may be signed."""
        if not self.is_draft:
            return ""
        return _("DRAFT, not for signing: %(reasons)s.") % {"reasons": "; ".join(self.reasons)}


def draft_state(period: ReportingPeriod, completeness: progress.Completeness) -> DraftState:
    """A draft while the period is not closed, or while fewer than half its enterprises'
    reports are approved (DOMAIN.md: no status is given then either)."""
    reasons = []
    if period.state == PeriodState.OPEN:
        reasons.append(_("the reporting period is still open, so the figures may still change"))
    elif period.state == PeriodState.PENDING:
        reasons.append(_("the reporting period has not been opened yet"))
    if completeness.approved * 2 < completeness.expected or not completeness.expected:
        reasons.append(
            _(
                "only %(approved)s of the %(expected)s enterprises expected to report have an approved report (%(percent)s)"
            )
            % {
                "approved": num(completeness.approved),
                "expected": num(completeness.expected),
                "percent": pct(completeness.percent),
            }
        )
    return DraftState(tuple(reasons))


# --- tasks and activities --------------------------------------------------------------


@dataclass(frozen=True)
class GroupActivities:
    group: TaskGroup
    count: int
    workers: int
    named: list  # the first activities of the span: (date, title, workers reached)


def tasks_not_started(plan: Plan, span: Span) -> tuple[list[Task], int]:
    """The plan's tasks not started by the span's end, and how many tasks the plan has.

    A task's status then is the one its change history held at that moment; for a task whose
    history starts later (recorded after the fact), a task with no activity up to the end
    counts as not started."""
    tasks = list(Task.objects.filter(group__plan=plan).select_related("group").order_by("group__number", "order", "pk"))
    status_then = {pk: state.status for pk, state in task_states_at_end_of(tasks, span.end).items()}
    active = set(
        Activity.objects.filter(task__in=tasks, date__lte=span.end).values_list("task_id", flat=True).distinct()
    )
    waiting = [
        task
        for task in tasks
        if status_then.get(task.pk, TaskStatus.NOT_STARTED if task.pk not in active else None) == TaskStatus.NOT_STARTED
    ]
    return waiting, len(tasks)


def activities_by_group(plan: Plan, span: Span) -> list[GroupActivities]:
    """Each task group with its activities in the span: how many, workers reached, and the
    first few by date (one aggregate query, one query per group for the names)."""
    activities = Activity.objects.filter(task__group__plan=plan, date__gte=span.start, date__lte=span.end)
    totals = {
        row["task__group_id"]: row
        for row in activities.order_by()
        .values("task__group_id")
        .annotate(count=Count("pk"), workers=Sum("workers_reached"), first=Min("date"))
    }
    result = []
    for group in TaskGroup.objects.filter(plan=plan).order_by("number"):
        row = totals.get(group.pk)
        named = []
        if row:
            named = list(
                activities.filter(task__group=group)
                .order_by("date", "pk")
                .values_list("date", "title", "workers_reached")[:ACTIVITIES_NAMED]
            )
        result.append(
            GroupActivities(
                group=group,
                count=row["count"] if row else 0,
                workers=(row["workers"] or 0) if row else 0,
                named=named,
            )
        )
    return result


# --- the report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    """One row of the indicator table."""

    code: str
    name: str
    met: int
    total: int
    rate: Decimal | None
    milestone: Decimal | None
    target: Decimal | None
    target_year: int | None
    gap: int | None
    status: str  # the assessment as shown

    @property
    def milestone_text(self) -> str:
        return bar(self.milestone)

    @property
    def target_text(self) -> str:
        return bar(self.target)


@dataclass
class ReportContent:
    period: ReportingPeriod
    kind: str
    kinds: list[str]
    plan: Plan | None
    identity: Identity
    span: Span
    figures: progress.Progress
    counts: progress.ReportCounts
    state: DraftState
    as_of: datetime.datetime
    lines: list[IndicatorLine]
    groups: list[GroupActivities]
    waiting_tasks: list[Task]
    task_count: int
    trend: dict[str, list[tuple[int, Decimal | None]]]  # reviews: indicator code -> (year, rate)
    narrative: Narrative | None
    drafts: dict[str, str] = field(default_factory=dict)

    # The parts of the document, as text.

    @property
    def kind_label(self) -> str:
        return dict(ReportKind.choices)[self.kind]

    def period_words(self) -> str:
        """'6 tháng đầu năm 2025', 'năm 2025', 'giai đoạn 2023 - 2025'."""
        if self.kind == ReportKind.PERIODIC:
            return lower_first(str(self.period))
        return _("the phase %(start)s - %(end)s") % {"start": self.span.first_year, "end": self.span.last_year}

    def summary_line(self) -> str:
        plan = lower_first(self.plan.title) if self.plan else _("lifelong learning among workers")
        if self.kind == ReportKind.PERIODIC:
            return _("Results of %(plan)s, %(period)s") % {"plan": plan, "period": self.period_words()}
        if self.kind == ReportKind.MIDTERM:
            text = _("Mid-term review of %(plan)s, phase %(start)s - %(end)s")
        else:
            text = _("Final review of %(plan)s, phase %(start)s - %(end)s")
        return text % {"plan": plan, "start": self.span.first_year, "end": self.span.last_year}

    def as_of_line(self) -> str:
        local = timezone.localtime(self.as_of)
        return _("Figures as of %(time)s on %(date)s") % {"time": local.strftime("%H:%M"), "date": day(local.date())}

    def draft_note(self) -> str:
        return self.state.note()

    def introduction(self) -> str:
        return _("The %(body)s reports the results for %(period)s (from %(start)s to %(end)s) as follows:") % {
            "body": self.identity.body,
            "period": self.period_words(),
            "start": day(self.span.start),
            "end": day(self.span.end),
        }

    def closing(self) -> str:
        return _("This is the report of the %(body)s on the results for %(period)s./.") % {
            "body": self.identity.body,
            "period": self.period_words(),
        }

    def appendix_note(self) -> str:
        titles = appendix_titles()
        return _(
            "The figures of every indicator are in %(first)s, each enterprise's in %(second)s, and the "
            "plan's tasks and the activities held in %(third)s (the attached Excel workbook)."
        ) % {"first": titles[0], "second": titles[1], "third": titles[2]}

    def table_note(self) -> str:
        done = self.figures.completeness
        if not done.approved:
            return _(
                "None of the %(expected)s enterprises expected to report has an approved report yet: "
                "there are no figures for the period."
            ) % {"expected": num(done.expected)}
        return _(
            "From the approved reports of %(approved)s of the %(expected)s enterprises expected to report "
            "(%(percent)s): %(total)s workers, of whom %(female)s women."
        ) % {
            "approved": num(done.approved),
            "expected": num(done.expected),
            "percent": pct(done.percent),
            "total": num(self.figures.total_workers),
            "female": num(self.figures.female_workers),
        }

    def section_text(self, name: str) -> str:
        """What the document prints for a section: the saved narrative, else the draft."""
        if self.narrative is not None:
            return getattr(self.narrative, name)
        return self.drafts[name]

    def header(self) -> documents.HeaderBlock:
        narrative = self.narrative
        return documents.header_block(
            body=self.identity.body,
            place=self.identity.place,
            when=narrative.issued_on if narrative else None,
            number=narrative.number if narrative else None,
        )

    def recipient_entries(self) -> list[tuple[str, str]]:
        if self.narrative is not None:
            return [(entry["name"], entry["purpose"]) for entry in self.narrative.recipients]
        return default_recipients(self.identity)

    def recipients(self) -> documents.Recipients:
        return documents.recipient_list(self.recipient_entries(), archive=ARCHIVE)

    def signer(self) -> tuple[str, str]:
        """(title, name) of who signs: the narrative's, else the first leader (the chair)."""
        return signer_of(self.narrative, self.identity)

    def signature(self) -> documents.Signature:
        title, name = self.signer()
        return documents.signature(body=self.identity.body, signer_title=title, signer_name=name)


def signer_of(narrative: Narrative | None, identity: Identity) -> tuple[str, str]:
    """(title, name) of who signs a report: the narrative's, else the first leader (the chair)."""
    if narrative is not None and narrative.signer_name:
        return narrative.signer_title, narrative.signer_name
    if identity.leaders:
        leader = identity.leaders[0]
        return leader.title, leader.name
    return "", ""


def appendix_reference(period: ReportingPeriod, *, identity: Identity | None = None) -> documents.Reference:
    """The periodic report of `period` as its appendices (the Excel workbook) cite it: its
    number and date as the official set them (else blank for the office), its signer (among
    the leaders of `identity`, the served commune's unless given), and why it may only be a
    draft."""
    narrative = Narrative.objects.filter(period=period, kind=ReportKind.PERIODIC).first()
    identity = identity or commune()
    title, name = signer_of(narrative, identity)
    figures = progress.commune_progress(period)
    return documents.Reference(
        body=identity.body,
        number=narrative.number if narrative else None,
        issued_on=narrative.issued_on if narrative else None,
        signer_title=title,
        signer_name=name,
        draft_note=draft_state(period, figures.completeness).note(),
    )


def default_recipients(identity: Identity) -> list[tuple[str, str]]:
    """Nơi nhận before the official sets it: the addressee and the superior body (b/c), the
    commune's Fatherland Front and mass organisations (p/h), the enterprises (t/h)."""
    entries = [(identity.addressee, "b/c")]
    if identity.superior and identity.superior != identity.addressee:
        entries.append((identity.superior, "b/c"))
    entries.append((_("The commune's Fatherland Front and mass organisations"), "p/h"))
    entries.append((_("The enterprises in the commune"), "t/h"))
    return entries


def indicator_lines(figures: progress.Progress, period: ReportingPeriod) -> list[IndicatorLine]:
    lines = []
    for item in figures.indicators:
        phase = item.phase(period.year)
        lines.append(
            IndicatorLine(
                code=item.code,
                name=item.name,
                met=item.met,
                total=item.total_workers,
                rate=item.rate,
                milestone=item.milestone,
                target=phase.target if phase else None,
                target_year=phase.year if phase else None,
                gap=phase.gap if phase else None,
                status=str(item.status_label) if item.status else _("No data"),
            )
        )
    return lines


def report_content(
    period: ReportingPeriod, kind: str = ReportKind.PERIODIC, *, now: datetime.datetime | None = None
) -> ReportContent:
    """Everything the report of `kind` for `period` shows. Raises ValueError for a kind the
    period does not have (views check `kinds_of` first)."""
    plan = Plan.objects.current()
    kinds = kinds_of(period, plan)
    if kind not in kinds:
        raise ValueError(kind)
    indicators = progress.plan_indicators(plan) if plan else []
    figures = progress.commune_progress(period, indicators=indicators)
    span = span_of(period, kind, plan)
    trend = {}
    if kind != ReportKind.PERIODIC:
        annual = list(
            ReportingPeriod.objects.filter(kind=PeriodKind.ANNUAL, year__gte=span.first_year, year__lte=period.year)
        )
        for yearly in progress.commune_series(annual, indicators=indicators):
            for item in yearly.indicators:
                trend.setdefault(item.code, []).append((yearly.period.year, item.rate))
    waiting, task_count = tasks_not_started(plan, span) if plan else ([], 0)
    content = ReportContent(
        period=period,
        kind=kind,
        kinds=kinds,
        plan=plan,
        identity=commune(),
        span=span,
        figures=figures,
        counts=progress.report_counts([period])[period.pk],
        state=draft_state(period, figures.completeness),
        as_of=now or timezone.now(),
        lines=indicator_lines(figures, period),
        groups=activities_by_group(plan, span) if plan else [],
        waiting_tasks=waiting,
        task_count=task_count,
        trend=trend,
        narrative=Narrative.objects.filter(period=period, kind=kind).first(),
    )
    content.drafts = drafts(content)
    return content


# --- the drafts the portal writes from the data --------------------------------------------


def drafts(content: ReportContent) -> dict[str, str]:
    """A draft of each of the five sections, from the data; the official rewrites them."""
    return {
        "direction": _draft_direction(content),
        "results": _draft_results(content),
        "shortcomings": _draft_shortcomings(content),
        "next_steps": _draft_next_steps(content),
        "proposals": _draft_proposals(content),
    }


def _task_codes(tasks) -> str:
    return ", ".join(task.code for task in tasks)


def _draft_direction(c: ReportContent) -> str:
    paragraphs = []
    if c.plan is not None:
        paragraphs.append(
            _(
                "The %(body)s issued its plan to %(plan)s (%(year)s) and directed the commune's culture and "
                "social affairs officer to carry it out with the grassroots trade unions and the enterprises "
                "in the commune."
            )
            % {"body": c.identity.body, "plan": lower_first(c.plan.title), "year": c.plan.issued_year}
        )
        annual = (
            AnnualPlan.objects.filter(plan=c.plan, year__gte=c.span.first_year, year__lte=c.span.last_year)
            .annotate(task_count=Count("tasks"))
            .order_by("year")
        )
        for yearly in annual:
            paragraphs.append(
                _("The plan for %(year)s scheduled %(count)s of the plan's tasks.")
                % {"year": yearly.year, "count": num(yearly.task_count)}
            )
    paragraphs.append(
        _(
            "The commune asked %(expected)s enterprises to report their results for %(period)s "
            "(deadline %(deadline)s); %(approved)s reports have been approved."
        )
        % {
            "expected": num(c.figures.completeness.expected),
            "period": lower_first(str(c.period)),
            "deadline": day(c.period.deadline),
            "approved": num(c.figures.completeness.approved),
        }
    )
    return "\n".join(paragraphs)


def _draft_results(c: ReportContent) -> str:
    paragraphs = [_("1. Implementation of the tasks")]
    for item in c.groups:
        if item.count:
            named = "; ".join(
                _("%(title)s (%(date)s, %(workers)s workers)")
                % {"title": title, "date": day(date), "workers": num(workers or 0)}
                for date, title, workers in item.named
            )
            text = _(
                "%(number)s. %(group)s: %(count)s activities, reaching workers %(workers)s times; among them: %(named)s."
            )
            paragraphs.append(
                text
                % {
                    "number": f"1.{item.group.number}",
                    "group": item.group.title,
                    "count": num(item.count),
                    "workers": num(item.workers),
                    "named": named,
                }
            )
        else:
            paragraphs.append(
                _("%(number)s. %(group)s: no activity was recorded.")
                % {"number": f"1.{item.group.number}", "group": item.group.title}
            )
    paragraphs.append(_("2. Results against the indicators"))
    by_status = Counter(line.status for line in c.lines)
    paragraphs.append(
        _("Of the %(count)s indicators: %(statuses)s (table below).")
        % {
            "count": num(len(c.lines)),
            "statuses": "; ".join(f"{num(n)} {lower_first(status)}" for status, n in by_status.items()) or "–",
        }
    )
    for code, points in c.trend.items():
        name = next((line.name for line in c.lines if line.code == code), code)
        paragraphs.append(
            _("%(code)s) %(name)s by year: %(rates)s.")
            % {
                "code": code,
                "name": name,
                "rates": "; ".join(f"{year}: {pct(rate)}" for year, rate in points),
            }
        )
    return "\n".join(paragraphs)


def _draft_shortcomings(c: ReportContent) -> str:
    paragraphs = []
    done = c.figures.completeness
    missing = max(done.expected - done.approved, 0)
    if missing:
        paragraphs.append(
            _(
                "%(missing)s of the %(expected)s enterprises have no approved report (%(unreported)s have not "
                "reported at all); %(late)s reports were submitted late."
            )
            % {
                "missing": num(missing),
                "expected": num(done.expected),
                "unreported": num(c.counts.unreported),
                "late": num(c.counts.late),
            }
        )
    behind = [line for line in c.lines if line.rate is not None and line.gap]
    if behind:
        paragraphs.append(
            _("Indicators below their target: %(items)s.")
            % {
                "items": "; ".join(
                    _("%(code)s) %(name)s %(rate)s against %(target)s in %(year)s, %(gap)s workers short")
                    % {
                        "code": line.code,
                        "name": line.name,
                        "rate": pct(line.rate),
                        "target": bar(line.target),
                        "year": line.target_year,
                        "gap": num(line.gap),
                    }
                    for line in behind
                )
            }
        )
    if c.waiting_tasks:
        paragraphs.append(
            _("%(count)s of the plan's %(total)s tasks had not started by %(end)s: %(codes)s.")
            % {
                "count": num(len(c.waiting_tasks)),
                "total": num(c.task_count),
                "end": day(c.span.end),
                "codes": _task_codes(c.waiting_tasks),
            }
        )
    paragraphs.append(_("Causes: …"))
    return "\n".join(paragraphs)


def _draft_next_steps(c: ReportContent) -> str:
    paragraphs = [
        _(
            "Continue the plan's tasks, with the recurring events: the Lifelong Learning Week (1–7 October) and the Vietnam Book and Reading Culture Day (21 April)."
        )
    ]
    if c.waiting_tasks:
        paragraphs.append(_("Start the tasks not yet begun: %(codes)s.") % {"codes": _task_codes(c.waiting_tasks)})
    years = sorted({t.year for item in c.figures.indicators for t in item.targets})
    ahead = next(
        (
            year
            for year in years
            if year > c.period.year or (year == c.period.year and c.period.kind == PeriodKind.HALF_YEAR)
        ),
        None,
    )
    if ahead is not None:
        short = []
        for item in c.figures.indicators:
            gap = item.gap(ahead)
            if gap:
                short.append(_("%(code)s) %(gap)s workers") % {"code": item.code, "gap": num(gap)})
        if short:
            paragraphs.append(
                _("To reach the targets for %(year)s at the current workforce, reach more workers: %(items)s.")
                % {"year": ahead, "items": "; ".join(short)}
            )
    missing = max(c.figures.completeness.expected - c.figures.completeness.approved, 0)
    if missing:
        paragraphs.append(
            _("Urge the %(count)s enterprises without an approved report to complete their reports.")
            % {"count": num(missing)}
        )
    return "\n".join(paragraphs)


def _draft_proposals(c: ReportContent) -> str:
    return "\n".join(
        [
            _(
                "We propose that the %(addressee)s continue to guide the commune and provide materials and "
                "training for grassroots trade union officers on lifelong learning."
            )
            % {"addressee": c.identity.addressee},
            _("We propose that the enterprises give their workers time and funds to take part in learning."),
        ]
    )
