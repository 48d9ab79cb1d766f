"""The province administrator's pages: the province's communes, each with its leaders and
the accounts that serve it (its officials and its superior body's viewers), the import of the
official list from Excel, and mergers of communes (communes.merging).

The communes app sits below this layer (it knows nothing of roles), so its pages are served
here, where `access` decides who may use them: the province administrator only; every other
role gets 403, as on any page of a role it does not hold.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communes import identity, imports, merging, services
from communes.forms import CommuneForm, LeaderFormSet, MergerForm
from communes.models import Commune, CommuneLeader, Membership
from core import xlsx_reading
from core.history import Children, history_of
from core.paging import paginate
from core.submissions import creates_once, save_unique
from core.templatetags.portal import person
from core.uploads import (
    ExcelFileForm,
    check_upload,
    excel_response,
    import_context,
    leave_confirmation,
    parse_or_error,
    read_import_token,
)

from .access import province_admin_required, roles_of
from .forms import MemberForm
from .roles import ROLE_LABELS

COMMUNES_PER_PAGE = 50
IMPORT_KIND = "communes"
# The change reasons the communes app stores (its services, its first data migration).
CHANGE_REASONS = {
    "import": gettext_lazy("Imported from Excel"),
    "settings": gettext_lazy("Made from the settings (PORTAL_COMMUNE_*)"),
    merging.CHANGE_REASON: gettext_lazy("Merged into another commune"),
}


@province_admin_required
def commune_list(request):
    """Every commune, ward and special zone on record, searchable by code or name."""
    communes = Commune.objects.select_related("merged_into").annotate(leader_count=Count("leaders"))
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        communes = communes.filter(Q(code__startswith=query) | Q(name__icontains=query))
    state = request.GET.get("state", "")
    if state == "active":
        communes = communes.active()
    elif state == "merged":
        communes = communes.merged()
    page = paginate(request, communes.order_by("code"), COMMUNES_PER_PAGE)
    return render(
        request,
        "communes/commune_list.html",
        {"page": page, "query": query, "state": state},
    )


def _save(form, formset) -> Commune | None:
    """The commune and its leaders through the service, or None when a simultaneous save
    took the code or the short name (the error is then beside the field)."""
    leaders = formset.save(commit=False)
    return save_unique(
        form,
        lambda: services.commune_save(commune=form.instance, leaders=leaders, removed=formset.deleted_objects),
        fields=["code", "slug"],
    )


@province_admin_required
@creates_once
def commune_create(request):
    form = CommuneForm(request.POST or None)
    formset = LeaderFormSet(request.POST or None, instance=form.instance, prefix="leaders")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        commune = _save(form, formset)
        if commune is not None:
            messages.success(request, _("%(commune)s was added.") % {"commune": commune})
            return redirect("province:commune_list")
    return render(request, "communes/commune_form.html", {"form": form, "formset": formset})


@province_admin_required
def commune_update(request, pk):
    commune = get_object_or_404(Commune, pk=pk)
    form = CommuneForm(request.POST or None, instance=commune)
    formset = LeaderFormSet(request.POST or None, instance=commune, prefix="leaders")
    if request.method == "POST" and form.is_valid() and formset.is_valid() and _save(form, formset):
        messages.success(request, _("The changes were saved."))
        return redirect("province:commune_list")
    return render(
        request,
        "communes/commune_form.html",
        {"form": form, "formset": formset, "commune": commune, "history": _history(commune)},
    )


def _history(commune: Commune):
    """The commune's changes, its leaders' and who was given or relieved of it."""
    leaders = Children(
        CommuneLeader.history.filter(commune_id=commune.pk),
        label=lambda record: _("Leader %(name)s") % {"name": record.name},
        fields=["order", "name", "position", "may_sign"],
    )
    members = Children(
        Membership.history.filter(commune_id=commune.pk),
        label=lambda record: _("Account serving the commune"),
        fields=["user"],
    )
    return history_of(commune, children=[leaders, members], reasons=CHANGE_REASONS)


@province_admin_required
def commune_members(request, pk):
    """The accounts that serve a commune (its officials and its superior body's viewers),
    and the form giving it one more."""
    commune = get_object_or_404(Commune, pk=pk)
    form = MemberForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        Membership.objects.get_or_create(user=form.user, commune=commune)
        messages.success(
            request, _("%(person)s now serves %(commune)s.") % {"person": person(form.user), "commune": commune}
        )
        return redirect("province:commune_members", pk=commune.pk)
    memberships = list(commune.memberships.select_related("user").order_by("user__username"))
    roles = roles_of([membership.user for membership in memberships])
    members = [(membership, ROLE_LABELS.get(roles.get(membership.user_id), "")) for membership in memberships]
    return render(
        request,
        "communes/commune_members.html",
        {"commune": commune, "form": form, "members": members, "history": _history(commune)},
    )


@require_POST
@province_admin_required
def commune_member_remove(request, pk, membership_pk):
    commune = get_object_or_404(Commune, pk=pk)
    membership = get_object_or_404(commune.memberships.select_related("user"), pk=membership_pk)
    membership.delete()
    messages.success(
        request,
        _("%(person)s no longer serves %(commune)s.") % {"person": person(membership.user), "commune": commune},
    )
    return redirect(reverse("province:commune_members", kwargs={"pk": commune.pk}))


@province_admin_required
def commune_import(request):
    """Upload → every row checked → preview of the communes to add → confirm (next view)."""
    form = ExcelFileForm(request.POST or None, request.FILES or None)
    context = {"form": form, "max_rows": imports.MAX_COMMUNE_ROWS}
    if request.method == "POST" and form.is_valid():
        context |= check_upload(
            form,
            parse=imports.parse_communes,
            preview=services.commune_import_preview,
            kind=IMPORT_KIND,
            user=request.user,
        )
    return render(request, "communes/commune_import.html", context)


@require_POST
@province_admin_required
def commune_import_confirm(request):
    data, path = read_import_token(request, IMPORT_KIND)
    if leave := leave_confirmation(
        request, data, path, cancelled_to="province:commune_import", expired_to="province:commune_import"
    ):
        return leave
    try:  # the staged copy has served its purpose, whatever happens now
        parsed, error = parse_or_error(imports.parse_communes, path)
        if error or not parsed.is_valid:
            context = {"form": ExcelFileForm(), "file_error": error, "max_rows": imports.MAX_COMMUNE_ROWS}
            return render(request, "communes/commune_import.html", {**context, **import_context(parsed, None)})
        try:
            created = services.communes_import(rows=parsed.rows, user=request.user)
        except (IntegrityError, services.ImportRefused):
            messages.error(
                request,
                _("Someone changed the list of communes at the same moment; nothing was saved. Upload the file again."),
            )
            return redirect("province:commune_import")
    finally:
        xlsx_reading.discard_staged(data["file"])
    messages.success(request, _("Import finished: %(count)s communes added.") % {"count": len(created)})
    return redirect("province:commune_list")


@province_admin_required
def commune_import_template(request):
    return excel_response(imports.commune_template(issuer=identity.current().superior), "mau-danh-sach-xa-phuong.xlsx")


@province_admin_required
def commune_merge(request):
    """The merger's form; posted, its preview: a dry run's summary of what will move, with
    the button that confirms it (the next view), or the reasons it is refused."""
    form = MergerForm(request.POST or None)
    summary = None
    if request.method == "POST" and form.is_valid():
        summary = _merge(request, form, apply=False)
    return render(request, "communes/commune_merge.html", {"form": form, "summary": summary})


@require_POST
@province_admin_required
def commune_merge_confirm(request):
    """The confirmed merger: checked again (the data may have changed since the preview)."""
    form = MergerForm(request.POST)
    if form.is_valid() and (summary := _merge(request, form, apply=True)) is not None:
        messages.success(
            request,
            _("%(sources)s merged into %(into)s on %(date)s.")
            % {
                "sources": ", ".join(str(source) for source in summary.sources),
                "into": summary.into,
                "date": summary.date.strftime("%d/%m/%Y"),
            },
        )
        return redirect("province:commune_list")
    return render(request, "communes/commune_merge.html", {"form": form, "summary": None})


def _merge(request, form, *, apply: bool) -> merging.MergerSummary | None:
    try:
        return merging.communes_merge(
            into=form.cleaned_data["into_commune"],
            sources=form.cleaned_data["source_communes"],
            date=form.cleaned_data["date"],
            user=request.user,
            apply=apply,
        )
    except merging.MergerRefused as refused:
        for error in refused.errors:
            form.add_error(None, error)
        return None
