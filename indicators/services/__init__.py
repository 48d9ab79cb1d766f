"""The indicators app's writes (STYLE.md: keyword-only `entity_action` functions, each in one
transaction, calling `full_clean()` before saving), one module per thing they write:

- `reports`: an enterprise's report (draft, submit, enter on its behalf, approve, return,
  reopen) with its workflow log; the helpers every report write shares;
- `imports`: a period's reports from an Excel file, all rows or none;
- `periods`: open, close, move the deadline;
- `targets`: an indicator's text, targets and milestones;
- `rosters`: an enterprise's workers and their outcomes.

A view, the Excel import, a management command and the demo seed all go through them.
Views check *who* may act (accounts.access) and ask the rows' rules (indicators.models)
what to offer; the services enforce both again where a mistake would be costly. The
figures' own rules live in `indicators.rules`. Versioned rows are claimed with
core.locking before they are written.

The names are re-exported here, so that callers write `services.report_submit(...)`.
"""

from .imports import ImportedReport, ImportOutcome, reports_import
from .periods import period_close, period_open, period_set_deadline
from .reports import (
    report_approve,
    report_enter_for_enterprise,
    report_reopen,
    report_return,
    report_save_draft,
    report_submit,
    reports_approve,
)
from .rosters import roster_import, roster_import_preview, worker_save
from .targets import indicator_update

__all__ = [
    "ImportOutcome",
    "ImportedReport",
    "indicator_update",
    "period_close",
    "period_open",
    "period_set_deadline",
    "report_approve",
    "report_enter_for_enterprise",
    "report_reopen",
    "report_return",
    "report_save_draft",
    "report_submit",
    "reports_approve",
    "reports_import",
    "roster_import",
    "roster_import_preview",
    "worker_save",
]
