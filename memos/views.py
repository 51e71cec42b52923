"""Memo pages: the list of an organization's memos (and its Excel), a new memo, the memo page (text that
saves itself, attachments, timeline, decision), the PDF, the inbox, the chains of the organization.

Thin typed function views (STYLE.md §4): other organizations' memos answer 404 (``get_for_user``), a
wrong role 403 (the services raise ``PermissionDenied``), a form problem a Thai message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.access import can_write, get_for_user, roles_of
from assessments.models import Membership, Organization, Role
from ita_portal import thai

from . import attachments as reports
from . import selectors, services
from .documents import memo_file
from .exports import memo_list_workbook
from .forms import ChainForm, DecisionForm, MemoCreateForm, MemoTextForm
from .models import ApprovalChain, Memo, MemoStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _org(request: HttpRequest, org_pk: int) -> Organization:
    return get_for_user(Organization.objects, request.user, pk=org_pk)


def _memo(request: HttpRequest, pk: int, *, write: bool = False) -> Memo:
    qs = Memo.objects.select_related("organization", "unit", "chain", "author")
    return get_for_user(qs, request.user, write=write, pk=pk)


def _years(org: Organization) -> list[int]:
    """The years the organization has memos or assessments in, latest first."""
    memo_years = Memo.objects.filter(organization=org).values_list("fiscal_year", flat=True)
    assessed = org.assessments.values_list("fiscal_year", flat=True)
    return sorted({*memo_years, *assessed}, reverse=True)


def _year(request: HttpRequest, org: Organization) -> int:
    """``?year=``, else the latest year with memos or an assessment, else the current fiscal year."""
    value = request.GET.get("year", "")
    if value.isdigit() and 2500 <= int(value) <= 2799:
        return int(value)
    return next(iter(_years(org)), thai.fiscal_year_of(timezone.localdate()))


# --------------------------------------------------------------------------- lists


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    organizations = list(Organization.objects.for_user(request.user))
    if len(organizations) == 1:
        return redirect("memos:list", org_pk=organizations[0].pk)
    inbox = list(selectors.inbox(request.user))
    return render(request, "memos/index.html", {"organizations": organizations, "inbox": inbox})


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "memos/inbox.html", {"memos": list(selectors.inbox(request.user))})


def _list_context(request: HttpRequest, org: Organization) -> dict:
    year = _year(request, org)
    memos = list(selectors.memos_for_user(request.user, org, year))
    years = sorted({year, *_years(org)}, reverse=True)
    return {"org": org, "year": year, "years": years, "memos": memos}


@login_required
@require_GET
def memo_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = _org(request, org_pk)
    context = _list_context(request, org)
    context["can_write"] = can_write(request.user, org)
    context["is_admin"] = roles_of(request.user).get(org.pk) == Role.ADMIN
    context["has_chain"] = ApprovalChain.objects.filter(organization=org, is_active=True).exists()
    return render(request, "memos/list.html", context)


@login_required
@require_GET
def memo_list_xlsx(request: HttpRequest, org_pk: int) -> HttpResponse:
    context = _list_context(request, _org(request, org_pk))
    response = HttpResponse(memo_list_workbook(context["memos"]), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"memos-{context['year']}.xlsx")
    return response


# --------------------------------------------------------------------------- create and edit


@login_required
@require_http_methods(["GET", "POST"])
def memo_create(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = _org(request, org_pk)
    if not can_write(request.user, org):
        raise PermissionDenied
    year = _year(request, org)
    with services.document_language():
        choices = [(reports.key_of(s), reports.title(s)) for s in reports.available(org, year)]
    own_unit = (
        Membership.objects.filter(user=request.user, organization=org).values_list("unit", flat=True).first()
    )
    form = MemoCreateForm(request.POST or None, organization=org, choices=choices, initial={"unit": own_unit})
    if request.method == "POST" and form.is_valid():
        try:
            memo = services.memo_create(
                organization=org,
                unit=form.cleaned_data["unit"],
                fiscal_year=year,
                chain=form.cleaned_data["chain"],
                attachments=form.specs(),
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, _("The memo is drafted from the report; check the text, then submit it.")
            )
            return redirect("memos:detail", pk=memo.pk)
    return render(request, "memos/create.html", {"org": org, "year": year, "form": form})


@login_required
@require_POST
def memo_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave: the fields sent (one at a time from the page) and nothing else."""
    memo = _memo(request, pk, write=True)
    form = MemoTextForm(request.POST, auto_id="memo-%s")
    form.is_valid()
    changes = form.changes(request.POST)
    if changes:
        try:
            memo = services.memo_update(memo=memo, **changes, user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
    if is_htmx(request):
        return render(
            request,
            "memos/_autosave.html",
            {"fields": form.carried(request.POST), "errors": form.non_field_errors()},
            status=200,
        )
    if form.errors:
        messages.error(request, _("The fields marked in red were not saved; the others were."))
    else:
        messages.success(request, _("The memo is saved."))
    return redirect("memos:detail", pk=memo.pk)


def _act(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    memo = _memo(request, pk, write=True)
    try:
        action(memo=memo, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("memos:detail", pk=memo.pk)


@login_required
@require_POST
def memo_attachments(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the reports a draft carries (its text stays as the author wrote it)."""
    memo = _memo(request, pk, write=True)
    try:
        specs = [reports.from_key(k, memo.organization_id) for k in request.POST.getlist("attachments")]
        services.memo_update(memo=memo, attachments=specs, user=request.user)
    except reports.ReportUnavailable as exc:
        messages.error(request, exc.message_th)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The attached reports are changed."))
    return redirect("memos:detail", pk=memo.pk)


@login_required
@require_POST
def memo_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.memo_submit, _("The memo is submitted to the first approver."))


@login_required
@require_POST
def memo_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.memo_cancel, _("The memo is cancelled; its number stays used."))


# --------------------------------------------------------------------------- the memo page


@login_required
@require_GET
def memo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    memo = _memo(request, pk)
    return render(request, "memos/detail.html", _detail_context(request, memo))


def _detail_context(request: HttpRequest, memo: Memo, decision_form: DecisionForm | None = None) -> dict:
    can_edit = memo.editable and can_write(request.user, memo.organization_id)
    step = services.current_step(memo)
    my_turn = step is not None and step.user_id == request.user.pk
    if my_turn and decision_form is None:
        decision_form = DecisionForm(initial={"step": step.order, "revision": memo.revision})
    revisions = list(
        memo.revisions.select_related("submitted_by")
        .prefetch_related("decisions", "attachments")
        .order_by("-number")
    )
    return {
        "memo": memo,
        "org": memo.organization,
        "can_edit": can_edit,
        "can_cancel": memo.status in (MemoStatus.DRAFT, MemoStatus.RETURNED, MemoStatus.PENDING)
        and can_write(request.user, memo.organization_id),
        "text_form": MemoTextForm(instance=memo, auto_id="memo-%s"),
        "attachments": list(memo.attachments.all()),
        "attachment_choices": _attachment_choices(memo) if can_edit else [],
        "steps": list(memo.chain.steps.select_related("user").order_by("order")),
        "current_step": step,
        "my_turn": my_turn,
        "decision_form": decision_form,
        "revisions": revisions,
    }


def _attachment_choices(memo: Memo) -> list[tuple[str, str, bool]]:
    """(key, title, attached) of every report of the memo's year that can be attached."""
    current = {
        reports.key_of(reports.spec_of(memo.organization_id, a.kind, a.fiscal_year, a.round_months, a.layout))
        for a in memo.attachments.all()
    }
    with services.document_language():
        specs = reports.available(memo.organization, memo.fiscal_year)
        return [(reports.key_of(s), reports.title(s), reports.key_of(s) in current) for s in specs]


@login_required
@require_POST
def memo_decide(request: HttpRequest, pk: int) -> HttpResponse:
    memo = _memo(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.memo_decide(
                memo=memo,
                step=form.cleaned_data["step"],
                revision=form.cleaned_data["revision"],
                kind=form.cleaned_data["kind"],
                comment=form.cleaned_data["comment"],
                user=request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("memos:detail", pk=memo.pk)
        else:
            messages.success(request, _("Your decision is recorded."))
            return redirect("memos:detail", pk=memo.pk)
    elif services.current_step(memo) is None or services.current_step(memo).user_id != request.user.pk:
        raise PermissionDenied
    memo.refresh_from_db()
    return render(request, "memos/detail.html", _detail_context(request, memo, form), status=422)


@login_required
@require_GET
def memo_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The final PDF as stored (the same bytes every time), or a draft rendered now."""
    memo = _memo(request, pk)
    if memo.status == MemoStatus.APPROVED and not memo.final_pdf:
        return render(request, "memos/pdf_pending.html", {"memo": memo}, status=202)
    content = memo_file(memo)
    name = f"memo-{memo.document_number or memo.pk}.pdf".replace("/", "-").replace(" ", "")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, name)
    return response


# --------------------------------------------------------------------------- chains


@login_required
@require_http_methods(["GET", "POST"])
def chains(request: HttpRequest, org_pk: int, chain_pk: int | None = None) -> HttpResponse:
    org = _org(request, org_pk)
    services.require_admin(request.user, org)
    chain = (
        get_for_user(ApprovalChain.objects, request.user, pk=chain_pk, organization=org) if chain_pk else None
    )
    form = ChainForm(request.POST or None, organization=org, chain=chain)
    if request.method == "POST" and form.is_valid():
        try:
            services.chain_save(
                organization=org,
                name=form.cleaned_data["name"],
                steps=form.steps(),
                chain=chain,
                is_active=form.cleaned_data["is_active"],
                user=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The approval chain is saved."))
            return redirect("memos:chains", org_pk=org.pk)
    context = {
        "org": org,
        "form": form,
        "chain": chain,
        "chains": list(selectors.chains_for_user(request.user, org)),
    }
    return render(request, "memos/chains.html", context, status=422 if form.errors else 200)
