"""The report page of a period (/reports/<code>/report/) and its Word document.

Thin views: access (accounts.access), the period and the kind of report, then the form and
reports.services to save, reports.content for what the report says, reports.word to draw it.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts import access
from accounts.access import commune_view_required
from communes.identity import current as commune
from core import locking
from core.history import history_of
from indicators.models import ReportingPeriod
from plans.models import Plan

from . import services
from .content import kinds_of, report_content
from .forms import NarrativeForm
from .models import Narrative, ReportKind
from .word import DOCX_CONTENT_TYPE, write_docx

# The file name's word for each kind (bao-cao-hoang-hop-2025-so-ket.docx).
KIND_SLUGS = {ReportKind.PERIODIC: "", ReportKind.MIDTERM: "so-ket", ReportKind.FINAL: "tong-ket"}


def _not_found(request, message: str):
    periods = ReportingPeriod.objects.order_by("end", "kind")
    return render(request, "reports/not_found.html", {"message": message, "periods": periods}, status=404)


def _period_and_kind(request, code: str):
    """(period, kind, None), or (None, None, a 404 page saying what is missing)."""
    period = ReportingPeriod.objects.filter(code=code).first()
    if period is None:
        return None, None, _not_found(request, _("There is no reporting period “%(code)s”.") % {"code": code[:20]})
    kind = request.GET.get("kind") or ReportKind.PERIODIC
    if kind not in kinds_of(period, Plan.objects.current()):
        label = dict(ReportKind.choices).get(kind)
        message = (
            _("%(period)s has no %(kind)s.") % {"period": period, "kind": str(label).lower()}
            if label
            else _("There is no kind of report “%(kind)s”.") % {"kind": kind[:20]}
        )
        return None, None, _not_found(request, message)
    return period, kind, None


def filename(period: ReportingPeriod, kind: str, extension: str) -> str:
    """bao-cao-hoang-hop-2025-h1.docx: the commune and the period, so many communes' files
    can sit in one folder."""
    parts = ["bao-cao", commune().slug, slugify(period.code), KIND_SLUGS.get(kind, "")]
    return "-".join(part for part in parts if part) + f".{extension}"


@commune_view_required
def report_page(request, code):
    """The official writes the report's narrative; the viewer reads it."""
    period, kind, refusal = _period_and_kind(request, code)
    if refusal:
        return refusal
    is_official = access.is_official(request.user)
    if request.method not in ("GET", "HEAD") and not (is_official and request.method == "POST"):
        return HttpResponseNotAllowed(["GET", "POST"] if is_official else ["GET"])
    content = report_content(period, kind)
    identity = content.identity
    narrative = content.narrative or Narrative(period=period, kind=kind)
    conflict = None
    form_kwargs = {
        "identity": identity,
        "initial_sections": content.drafts,
        "initial_recipients": content.recipient_entries(),
    }
    form = None
    if is_official and request.method == "POST":
        form = NarrativeForm(request.POST, instance=narrative, **form_kwargs)
        if form.is_valid():
            try:
                _saved, changed = services.narrative_save(
                    period=period, kind=kind, version=form.cleaned_data["version"], values=form.values()
                )
            except locking.Conflict as error:
                # Keep what the official typed; show what is saved now. The form now carries the
                # current version, so saving again is a deliberate overwrite.
                conflict = Narrative.objects.get(period=period, kind=kind)
                data = request.POST.copy()
                data["version"] = conflict.version
                # Its own copy: validating the form writes the typed values into its instance.
                form = NarrativeForm(data, instance=Narrative.objects.get(pk=conflict.pk), **form_kwargs)
                form.is_valid()
                form.add_error(None, error)
            else:
                if changed:
                    messages.success(request, _("The report was saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect(request.get_full_path())
    elif is_official:
        form = NarrativeForm(instance=narrative, **form_kwargs)
    return render(
        request,
        "reports/report_page.html",
        {
            "period": period,
            "kind": kind,
            "content": content,
            "identity": identity,
            "form": form,
            "conflict": conflict,
            "sections": [
                {
                    "name": name,
                    "label": Narrative._meta.get_field(name).verbose_name,
                    "field": form[name] if form else None,
                    "draft": content.drafts[name],
                    "text": content.section_text(name),
                    "saved": getattr(conflict, name) if conflict else "",
                }
                for name in Narrative.SECTIONS
            ],
            "kinds": [(value, label) for value, label in ReportKind.choices if value in content.kinds],
            "history": history_of(content.narrative) if content.narrative else [],
            "signer_listed": content.narrative is None
            or not content.narrative.signer_name
            or identity.leader(content.narrative.signer_name) is not None,
        },
    )


@require_safe
@commune_view_required
def report_docx(request, code):
    """The report as a Word document: the official and the viewer."""
    period, kind, refusal = _period_and_kind(request, code)
    if refusal:
        return refusal
    buffer = io.BytesIO()
    write_docx(period, kind, buffer)
    buffer.seek(0)
    response = FileResponse(
        buffer, as_attachment=True, filename=filename(period, kind, "docx"), content_type=DOCX_CONTENT_TYPE
    )
    # The figures change as reports are approved: never serve a stale copy from a cache.
    patch_cache_control(response, private=True, no_store=True)
    return response
