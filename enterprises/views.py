"""Pages of the enterprises app: the enterprise list, an enterprise's page, its union
officers and its worker roster, and the Excel imports.

Who may see or change what is asked of `access` only: commune-wide pages answer 403
to the wrong role; another enterprise's pages answer 404.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import access
from accounts.access import commune_view_required, is_official, member_required, official_required
from core import xlsx_reading
from core.history import Children, history_of
from core.names import full_name_of
from core.paging import paginate
from core.sections import collect_sections
from core.submissions import creates_once, save_unique
from core.uploads import (
    ExcelFileForm,
    check_upload,
    excel_response,
    import_context,
    leave_confirmation,
    parse_or_error,
    read_import_token,
)

from . import imports, services
from .filters import EnterpriseFilter
from .forms import (
    EnterpriseContactForm,
    EnterpriseForm,
    OfficerCreateForm,
    OfficerForm,
    OfficerPasswordForm,
    PasswordDelivery,
)
from .models import Enterprise, UnionOfficer, Worker
from .services import CHANGE_REASONS
from .signals import enterprise_page_sections

logger = logging.getLogger(__name__)

ENTERPRISES_PER_PAGE = 25
WORKERS_PER_PAGE = 50


def get_enterprise_or_404(user, pk) -> Enterprise:
    return access.get_or_404(Enterprise.objects, user, pk=pk)


def get_enterprise_to_change_or_404(user, pk, *, official_only: bool = False) -> Enterprise:
    """The enterprise `pk` for a page that changes it: 404 for whoever may not see it, 403
    for whoever sees it but may not change it (`official_only`: its record, its officers)."""
    return access.get_or_404(Enterprise.objects, user, pk=pk, change=True, official_only=official_only)


def get_officer_or_404(user, enterprise_pk, officer_pk) -> UnionOfficer:
    """A union officer of enterprise `enterprise_pk`, for the official's pages about them."""
    enterprise = get_enterprise_to_change_or_404(user, enterprise_pk, official_only=True)
    officer = get_object_or_404(enterprise.officers.select_related("user"), pk=officer_pk)
    officer.enterprise = enterprise
    return officer


# --- enterprises ------------------------------------------------------------------------


@commune_view_required
def enterprise_list(request):
    active_workers = (
        Worker.objects.filter(enterprise=OuterRef("pk"), is_active=True)
        .order_by()
        .values("enterprise")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = Enterprise.objects.annotate(
        officer_count=Count("officers", filter=Q(officers__user__is_active=True)),
        worker_count=Subquery(active_workers),
    ).order_by("name", "pk")
    enterprise_filter = EnterpriseFilter(request.GET, queryset=queryset)
    page = paginate(request, enterprise_filter.qs, ENTERPRISES_PER_PAGE)
    return render(
        request,
        "enterprises/enterprise_list.html",
        {
            "filter": enterprise_filter,
            "page": page,
            "is_filtered": any(request.GET.get(name) for name in ("q", "legal_form", "economic_sector", "union"))
            or request.GET.get("status") not in (None, "", "active"),
        },
    )


@official_required
@creates_once
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enterprise = save_unique(form, form.save, fields=["tax_code"])
        if enterprise is not None:
            messages.success(request, _("Enterprise “%(name)s” was added.") % {"name": enterprise.name})
            return redirect(enterprise)
    return render(request, "enterprises/enterprise_form.html", {"form": form})


@member_required
def enterprise_detail(request, pk):
    enterprise = get_enterprise_or_404(request.user, pk)
    official = is_official(request.user)
    officers = list(enterprise.officers.select_related("user").order_by("-user__is_active", "user__first_name", "pk"))
    officers_history = Children(
        UnionOfficer.history.filter(enterprise_id=enterprise.pk).select_related("user"),
        label=lambda r: _("Officer %(name)s") % {"name": full_name_of(r.user)},
        fields=["phone", "position"],
    )
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "can_change": access.can_change(request.user, enterprise.pk),
            "can_manage": official,
            "officers": [(officer, full_name_of(officer.user)) for officer in officers],
            "sections": collect_sections(enterprise_page_sections, Enterprise, request=request, enterprise=enterprise),
            "history": history_of(enterprise, children=[officers_history], reasons=CHANGE_REASONS),
        },
    )


@member_required
def enterprise_update(request, pk):
    enterprise = get_enterprise_to_change_or_404(request.user, pk, official_only=True)
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid() and save_unique(form, form.save, fields=["tax_code"]):
        messages.success(request, _("The changes were saved."))
        return redirect(enterprise)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": enterprise})


@member_required
def enterprise_contacts_update(request, pk):
    enterprise = get_enterprise_to_change_or_404(request.user, pk)
    form = EnterpriseContactForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The contact details were saved."))
        return redirect(enterprise)
    return render(request, "enterprises/enterprise_contacts_form.html", {"form": form, "enterprise": enterprise})


def _set_enterprise_active(request, pk, active: bool):
    enterprise = get_enterprise_to_change_or_404(request.user, pk, official_only=True)
    if enterprise.is_active != active:
        if active:
            enterprise.resume_following()
        else:
            enterprise.stop_following()
        # One transaction with what the layers above keep from the follow dates (the
        # periods' figures tokens and expected enterprises, indicators.signals).
        with transaction.atomic():
            enterprise.save(update_fields=["is_active", "stopped_from", "updated_at"])
    if active:
        messages.success(request, _("“%(name)s” is followed again.") % {"name": enterprise.name})
    else:
        messages.success(
            request,
            _(
                "“%(name)s” is no longer followed from %(date)s: it does not count in the reporting periods that start from that day on, and its officers cannot log in to it. Its data is kept; the date can be corrected on the enterprise's edit page."
            )
            % {"name": enterprise.name, "date": enterprise.stopped_from.strftime("%d/%m/%Y")},
        )
    return redirect(enterprise)


@require_POST
@member_required
def enterprise_deactivate(request, pk):
    return _set_enterprise_active(request, pk, False)


@require_POST
@member_required
def enterprise_reactivate(request, pk):
    return _set_enterprise_active(request, pk, True)


# --- Excel imports --------------------------------------------------------------------------


@official_required
def enterprise_import(request):
    """Upload → every row checked → preview of what will change → confirm (next view)."""
    form = ExcelFileForm(request.POST or None, request.FILES or None)
    context = {"form": form, "max_rows": imports.MAX_ENTERPRISE_ROWS}
    if request.method == "POST" and form.is_valid():
        context |= check_upload(
            form,
            parse=imports.parse_enterprises,
            preview=services.enterprise_import_preview,
            kind="enterprises",
            user=request.user,
        )
    return render(request, "enterprises/enterprise_import.html", context)


@require_POST
@official_required
def enterprise_import_confirm(request):
    data, path = read_import_token(request, "enterprises")
    if leave := leave_confirmation(
        request, data, path, cancelled_to="enterprises:enterprise_import", expired_to="enterprises:enterprise_import"
    ):
        return leave
    try:  # the staged copy has served its purpose, whatever happens now
        parsed, error = parse_or_error(imports.parse_enterprises, path)
        if error or not parsed.is_valid:
            return render(
                request,
                "enterprises/enterprise_import.html",
                {
                    "form": ExcelFileForm(),
                    "file_error": error,
                    "max_rows": imports.MAX_ENTERPRISE_ROWS,
                    **import_context(parsed, None),
                },
            )
        try:
            preview = services.enterprises_import(rows=parsed.rows, user=request.user)
        except (IntegrityError, services.ImportRefused):
            messages.error(
                request,
                _("Someone changed the enterprise list at the same moment; nothing was saved. Upload the file again."),
            )
            return redirect("enterprises:enterprise_import")
    finally:
        xlsx_reading.discard_staged(data["file"])
    messages.success(
        request,
        _("Import finished: %(new)s enterprises added, %(updated)s updated, %(unchanged)s unchanged.")
        % {"new": len(preview.new), "updated": len(preview.updated), "unchanged": len(preview.unchanged)},
    )
    return redirect("enterprises:enterprise_list")


@official_required
def enterprise_import_template(request):
    return excel_response(imports.enterprise_template(), "mau-danh-sach-doanh-nghiep.xlsx")


# --- union officers ----------------------------------------------------------------------------

PASSWORD_SESSION_KEY = "enterprises:officer-password:%s"


def _deliver_password(request, officer, delivery: str, *, welcome: bool):
    """Send the link or issue the password; the password waits in the session to be shown once."""
    if delivery == PasswordDelivery.EMAIL:
        delivery = services.officer_send_password_link(
            officer=officer, base_url=request.build_absolute_uri("/"), welcome=welcome
        )
        if not delivery.sent:
            messages.error(
                request,
                _(
                    "The e-mail could not be sent (the mail server did not answer). Try again later, or issue an initial password instead."
                ),
            )
            return redirect("enterprises:officer_update", officer.enterprise_id, officer.pk)
        messages.success(
            request,
            _("A link to set a password was e-mailed to %(email)s. It stays valid for a few days and works once.")
            % {"email": officer.user.email},
        )
        return redirect(reverse("enterprises:enterprise_detail", args=[officer.enterprise_id]) + "#officers")
    request.session[PASSWORD_SESSION_KEY % officer.pk] = services.officer_issue_password(officer=officer)
    return redirect("enterprises:officer_credentials", officer.enterprise_id, officer.pk)


@member_required
@creates_once
def officer_create(request, pk):
    enterprise = get_enterprise_to_change_or_404(request.user, pk, official_only=True)
    form = OfficerCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        officer = save_unique(
            form,
            lambda: services.officer_create(
                enterprise=enterprise,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                position=data["position"],
            ),
            fields=["username"],
        )
        if officer is not None:
            messages.success(request, _("The account %(username)s was created.") % {"username": officer.user.username})
            return _deliver_password(request, officer, data["delivery"], welcome=True)
    return render(request, "enterprises/officer_form.html", {"form": form, "enterprise": enterprise})


def _officer_page(request, officer, *, form=None, password_form=None, status=200):
    return render(
        request,
        "enterprises/officer_update.html",
        {
            "enterprise": officer.enterprise,
            "officer": officer,
            "officer_name": full_name_of(officer.user),
            "form": form
            or OfficerForm(
                user=officer.user,
                initial={
                    "full_name": full_name_of(officer.user)
                    if (officer.user.first_name or officer.user.last_name)
                    else "",
                    "email": officer.user.email,
                    "phone": officer.phone,
                    "position": officer.position,
                },
            ),
            "password_form": password_form or OfficerPasswordForm(user=officer.user),
            "history": history_of(officer, fields=["phone", "position"], reasons=CHANGE_REASONS),
        },
        status=status,
    )


@member_required
def officer_update(request, pk, officer_pk):
    officer = get_officer_or_404(request.user, pk, officer_pk)
    if request.method == "POST":
        form = OfficerForm(request.POST, user=officer.user)
        if form.is_valid():
            services.officer_update(officer=officer, **form.cleaned_data)
            messages.success(request, _("The changes were saved."))
            return redirect(reverse("enterprises:enterprise_detail", args=[pk]) + "#officers")
        return _officer_page(request, officer, form=form)
    return _officer_page(request, officer)


@require_POST
@member_required
def officer_password(request, pk, officer_pk):
    officer = get_officer_or_404(request.user, pk, officer_pk)
    form = OfficerPasswordForm(request.POST, user=officer.user)
    if not form.is_valid():
        return _officer_page(request, officer, password_form=form)
    return _deliver_password(request, officer, form.cleaned_data["delivery"], welcome=False)


@never_cache
@member_required
def officer_credentials(request, pk, officer_pk):
    """The initial password, shown once: it leaves the session as the page is drawn."""
    officer = get_officer_or_404(request.user, pk, officer_pk)
    password = request.session.pop(PASSWORD_SESSION_KEY % officer.pk, None)
    return render(
        request,
        "enterprises/officer_credentials.html",
        {
            "enterprise": officer.enterprise,
            "officer": officer,
            "officer_name": full_name_of(officer.user),
            "password": password,
            "login_url": request.build_absolute_uri(reverse("login")),
            "password_form": OfficerPasswordForm(user=officer.user, initial={"delivery": PasswordDelivery.SHOW}),
        },
    )


def _set_officer_active(request, pk, officer_pk, active: bool):
    officer = get_officer_or_404(request.user, pk, officer_pk)
    if officer.user.is_active != active:
        services.officer_set_active(officer=officer, active=active)
    name = full_name_of(officer.user)
    if active:
        messages.success(request, _("%(name)s can log in again.") % {"name": name})
    else:
        messages.success(
            request, _("%(name)s can no longer log in. The account and its history are kept.") % {"name": name}
        )
    return redirect(reverse("enterprises:enterprise_detail", args=[pk]) + "#officers")


@require_POST
@member_required
def officer_deactivate(request, pk, officer_pk):
    return _set_officer_active(request, pk, officer_pk, False)


@require_POST
@member_required
def officer_reactivate(request, pk, officer_pk):
    return _set_officer_active(request, pk, officer_pk, True)
