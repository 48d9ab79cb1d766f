"""E-mails about reports: a returned report, and the reminders of `send_reminders`.

E-mails are written in the portal's language (Vietnamese) whatever the language of
the request that caused them, with absolute links built on settings.PORTAL_BASE_URL,
since a management command has no request to take a host name from.

Reminders (run daily by cron):
- each union officer whose enterprise has not submitted its report for an open period
  (Outstanding.UNSUBMITTED: no report, a draft or a returned one) gets one e-mail once the
  deadline is PORTAL_REMINDER_DAYS days away, and one more once the deadline has passed;
- each commune official gets a digest of who has not submitted or waits for review, at most
  once a day and only when it differs from the last digest they got (so an unchanged
  situation does not fill their mailbox every morning).
Every e-mail sent is recorded (SentReminder); a second run the same day sends nothing new.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import OFFICIAL
from communes import identity
from core.mail import NOBODY, Delivery, deliver
from core.names import full_name_of
from enterprises.models import Enterprise, UnionOfficer

from .models import (
    SUBMITTED_LATE,
    EnterpriseReport,
    Outstanding,
    ReminderKind,
    ReportingPeriod,
    ReportStatus,
    SentReminder,
)

logger = logging.getLogger(__name__)

DIGEST_NAMES = 30  # enterprises named per list in a digest; the rest are counted


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL + path


def _render(name: str, context: dict) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"indicators/emails/{name}_subject.txt", context)
        body = render_to_string(f"indicators/emails/{name}_body.txt", context)
    return " ".join(subject.split()), body


def _officers(enterprise_ids) -> list[UnionOfficer]:
    return list(
        UnionOfficer.objects.reachable()
        .filter(enterprise_id__in=enterprise_ids)
        .select_related("user", "enterprise")
        .order_by("enterprise_id", "user_id")
    )


def send_report_returned(report: EnterpriseReport, *, reopened: bool = False) -> Delivery:
    """Tell the enterprise's officers that the commune returned (or reopened) their report."""
    officers = _officers([report.enterprise_id])
    if not officers:
        return NOBODY
    context = {
        "report": report,
        "period": report.period,
        "enterprise": report.enterprise,
        "reason": report.return_reason,
        "reopened": reopened,
        "names": ", ".join(full_name_of(officer.user) for officer in officers),
        "url": absolute_url(reverse("indicators:period_detail", args=[report.period.code])),
        "commune_name": identity.current_name(),
    }
    subject, body = _render("report_returned", context)
    message = EmailMessage(subject, body, to=[officer.user.email for officer in officers])
    return deliver(message, what="Report returned", names=tuple(full_name_of(o.user) for o in officers))


# --- Reminders -----------------------------------------------------------------------------


@dataclass
class ReminderSummary:
    due_soon: int = 0
    overdue: int = 0
    digests: int = 0
    failed: int = 0
    skipped_no_email: set[str] = field(default_factory=set)  # enterprises nobody can be e-mailed at


def _send_once(record: SentReminder, subject: str, body: str, summary: ReminderSummary) -> bool:
    """Record and send in one transaction: a failed send is not recorded (retried next run),
    and a record already there (another run got there first) means no second e-mail."""
    try:
        with transaction.atomic():
            record.full_clean(validate_constraints=False)
            record.save()
            EmailMessage(subject, body, to=[record.email]).send()
    except IntegrityError:
        return False
    except Exception:  # SMTP down or a bad address: report it, go on with the others
        logger.exception("Reminder to %s could not be sent", record.email)
        summary.failed += 1
        return False
    return True


def _remind_officers(period: ReportingPeriod, today: datetime.date, summary: ReminderSummary) -> None:
    kind = ReminderKind.OVERDUE if period.deadline_passed(today) else ReminderKind.DUE_SOON
    # Only the officers of an enterprise followed now can log in to act on a reminder.
    unsubmitted = Enterprise.objects.active().filter(period.counted_enterprises(), Outstanding.UNSUBMITTED.of(period))
    enterprises = list(unsubmitted.values_list("pk", "name"))
    if not enterprises:
        return
    officers = _officers([pk for pk, _name in enterprises])
    reached = {officer.enterprise_id for officer in officers}
    summary.skipped_no_email.update(name for pk, name in enterprises if pk not in reached)
    already = set(SentReminder.objects.filter(kind=kind, period=period).values_list("enterprise_id", "recipient_id"))
    reports = {
        enterprise_id: (status, first_submitted_on)
        for enterprise_id, status, first_submitted_on in EnterpriseReport.objects.filter(
            period=period, enterprise_id__in=reached
        ).values_list("enterprise_id", "status", "first_submitted_on")
    }
    url = absolute_url(reverse("indicators:period_detail", args=[period.code]))
    for officer in officers:
        if (officer.enterprise_id, officer.user_id) in already:
            continue
        status, first_submitted_on = reports.get(officer.enterprise_id, (None, None))
        context = {
            "kind": kind,
            "overdue": kind == ReminderKind.OVERDUE,
            # Lateness is the first submission's: a returned report sent on time stays on time.
            "never_submitted": first_submitted_on is None,
            "period": period,
            "enterprise": officer.enterprise,
            "user": officer.user,
            "status": status,
            "days_left": period.days_left(today),
            "url": url,
            "commune_name": identity.current_name(),
        }
        subject, body = _render("reminder", context)
        record = SentReminder(
            kind=kind,
            period=period,
            enterprise=officer.enterprise,
            recipient=officer.user,
            email=officer.user.email,
            sent_on=today,
        )
        if _send_once(record, subject, body, summary):
            if kind == ReminderKind.DUE_SOON:
                summary.due_soon += 1
            else:
                summary.overdue += 1


@dataclass
class PeriodDigest:
    period: ReportingPeriod
    active: int
    unsubmitted: list[tuple[int, str, str]]  # (enterprise pk, name, status or "")
    waiting: list[tuple[int, str, bool]]  # (enterprise pk, name, late)
    url: str
    overdue: bool

    @property
    def waiting_late(self) -> int:
        return sum(1 for _pk, _name, late in self.waiting if late)

    # An e-mail names the first DIGEST_NAMES of each list and counts the rest.
    @property
    def unsubmitted_named(self):
        return self.unsubmitted[:DIGEST_NAMES]

    @property
    def unsubmitted_more(self) -> int:
        return max(0, len(self.unsubmitted) - DIGEST_NAMES)

    @property
    def waiting_named(self):
        return self.waiting[:DIGEST_NAMES]

    @property
    def waiting_more(self) -> int:
        return max(0, len(self.waiting) - DIGEST_NAMES)


def period_digest(period: ReportingPeriod, today: datetime.date) -> PeriodDigest:
    """Who has not submitted (Outstanding.UNSUBMITTED) and who waits for review in an open
    period (two queries)."""
    reports = {
        enterprise_id: (status, bool(late))
        for enterprise_id, status, late in EnterpriseReport.objects.filter(period=period)
        .annotate(late=ExpressionWrapper(SUBMITTED_LATE, output_field=BooleanField()))
        .values_list("enterprise_id", "status", "late")
    }
    unsubmitted, waiting, active = [], [], 0
    counted = Enterprise.objects.filter(period.counted_enterprises())  # any with a report among them
    for pk, name in counted.order_by("name", "pk").values_list("pk", "name"):
        active += 1
        status, late = reports.get(pk, (None, False))
        if status == ReportStatus.SUBMITTED:
            waiting.append((pk, name, late))
        elif Outstanding.UNSUBMITTED.holds_for(status):
            unsubmitted.append((pk, name, status or ""))
    return PeriodDigest(
        period=period,
        active=active,
        unsubmitted=unsubmitted,
        waiting=waiting,
        url=absolute_url(reverse("indicators:period_detail", args=[period.code])),
        overdue=period.deadline_passed(today),
    )


def _fingerprint(digests: list[PeriodDigest]) -> str:
    content = [
        [
            d.period.code,
            d.overdue,
            [(pk, status) for pk, _n, status in d.unsubmitted],
            [(pk, late) for pk, _n, late in d.waiting],
        ]
        for d in digests
    ]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def commune_officials(commune_id: int):
    """Who receives a commune's digest: its officials (the accounts serving it, issue 17) and
    the superusers, who serve every commune; never another commune's officials."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=OFFICIAL, commune_memberships__commune_id=commune_id) | Q(is_superuser=True))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _send_digests(periods, today: datetime.date, summary: ReminderSummary) -> None:
    digests = [period_digest(period, today) for period in periods]
    digests = [d for d in digests if d.unsubmitted or d.waiting]
    if not digests:
        return
    fingerprint = _fingerprint(digests)
    context = {
        "digests": digests,
        "today": today,
        "commune_name": identity.current_name(),
        "skipped_no_email": sorted(summary.skipped_no_email),
    }
    for official in commune_officials(periods[0].commune_id):
        last = (
            SentReminder.objects.filter(kind=ReminderKind.DIGEST, recipient=official)
            .order_by("-sent_on", "-sent_at")
            .values_list("sent_on", "fingerprint")
            .first()
        )
        if last and (last[0] >= today or last[1] == fingerprint):
            continue
        subject, body = _render("digest", {**context, "user": official})
        record = SentReminder(
            commune_id=periods[0].commune_id,  # a digest names no period: its commune's
            kind=ReminderKind.DIGEST,
            recipient=official,
            email=official.email,
            sent_on=today,
            fingerprint=fingerprint,
        )
        if _send_once(record, subject, body, summary):
            summary.digests += 1


def send_reminders(*, today: datetime.date | None = None, summary: ReminderSummary | None = None) -> ReminderSummary:
    """The daily run for the commune in scope: officers' reminders for open periods, then the
    officials' digest; counted into `summary` when given (a run over several communes)."""
    today = today or timezone.localdate()
    summary = ReminderSummary() if summary is None else summary
    periods = list(ReportingPeriod.objects.open().order_by("end", "kind"))
    for period in periods:
        if period.days_left(today) <= settings.PORTAL_REMINDER_DAYS:
            _remind_officers(period, today, summary)
    _send_digests(periods, today, summary)
    return summary
