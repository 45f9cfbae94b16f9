from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.audit import selectors as audit_selectors
from yingshang.errors import DomainError
from yingshang.knowledge import selectors, services
from yingshang.knowledge.forms import ArticleForm, WithdrawForm
from yingshang.knowledge.models import DispatchModel, KnowledgeArticle
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required

EDITORS = services.EDITOR_ROLES
MODEL_VIEWERS = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.HOTLINE_OPERATOR)


def _visible(request):
    return scope.visible_to(request.user, KnowledgeArticle)


@staff_required()
def article_list(request):
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    hits = None
    page = None
    if q:
        hits = selectors.search_hits(q, limit=50, queryset=_visible(request), kind=kind or None)
    else:
        qs = _visible(request).prefetch_related("units")
        if status in KnowledgeArticle.Status.values:
            qs = qs.filter(status=status)
        if kind in KnowledgeArticle.Kind.values:
            qs = qs.filter(kind=kind)
        page = Paginator(qs.order_by("-updated_at", "-pk"), 30).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("kind", kind)) if v)
    return render(
        request,
        "knowledge/list.html",
        {
            "q": q,
            "status": status,
            "kind": kind,
            "hits": hits,
            "page": page,
            "query": query,
            "statuses": KnowledgeArticle.Status.choices,
            "kinds": KnowledgeArticle.Kind.choices,
            "can_edit": services.can_edit(request.user),
            "today": timezone.localdate(),
        },
    )


@staff_required()
def article_detail(request, pk: int):
    article = scope.get_for(request.user, KnowledgeArticle, pk)
    return render(
        request,
        "knowledge/detail.html",
        {
            "article": article,
            "abilities": scope.abilities(request.user, article),
            "events": audit_selectors.timeline(article),
            "withdraw_form": WithdrawForm(),
            "valid_today": article.is_valid_on(timezone.localdate()),
        },
    )


def _form_kwargs(form) -> dict:
    d = form.cleaned_data
    return {
        k: d.get(k)
        for k in ("title", "body", "kind", "keywords", "topic_code", "valid_from", "valid_until")
    }


@staff_required(*EDITORS)
def article_create(request):
    form = ArticleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(
                actor=request.user,
                units=list(form.cleaned_data["units"]),
                publish="publish" in request.POST,
                **_form_kwargs(form),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("知识条目已保存"))
            return redirect("knowledge:detail", pk=article.pk)
    return render(request, "knowledge/form.html", {"form": form, "article": None})


@staff_required(*EDITORS)
def article_edit(request, pk: int):
    article = scope.get_for(request.user, KnowledgeArticle, pk)
    initial = {
        f: getattr(article, f)
        for f in ("title", "body", "kind", "keywords", "topic_code", "valid_from", "valid_until")
    }
    initial["units"] = list(article.units.all())
    form = ArticleForm(request.POST or None, initial=initial, revising=True, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_revise(
                actor=request.user,
                article=article,
                reason=form.cleaned_data.get("reason", ""),
                units=list(form.cleaned_data["units"]),
                **_form_kwargs(form),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("知识条目已修订"))
            return redirect("knowledge:detail", pk=article.pk)
    return render(request, "knowledge/form.html", {"form": form, "article": article})


@require_POST
@staff_required(*EDITORS)
def article_publish(request, pk: int):
    article = scope.get_for(request.user, KnowledgeArticle, pk)
    try:
        services.article_publish(actor=request.user, article=article)
        messages.success(request, _("已发布"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("knowledge:detail", pk=article.pk)


@require_POST
@staff_required(*EDITORS)
def article_withdraw(request, pk: int):
    article = scope.get_for(request.user, KnowledgeArticle, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.article_withdraw(
                actor=request.user, article=article, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("已撤回"))
            return redirect("knowledge:detail", pk=article.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "knowledge/detail.html",
        {
            "article": article,
            "abilities": scope.abilities(request.user, article),
            "events": audit_selectors.timeline(article),
            "withdraw_form": form,
            "valid_today": article.is_valid_on(timezone.localdate()),
        },
        status=400,
    )


@staff_required()
def suggest(request):
    """htmx partial: the best few articles valid today for what the operator is typing."""
    q = (request.GET.get("q") or request.GET.get("content") or "").strip()[:500]
    limit = request.GET.get("limit", "5")
    limit = min(int(limit), 20) if limit.isdigit() and int(limit) > 0 else 5
    hits = selectors.search_hits(q, limit=limit, queryset=_visible(request)) if q else []
    return render(request, "knowledge/_suggest.html", {"hits": hits, "q": q})


# --- smart dispatch model ------------------------------------------------------------------
@staff_required(*MODEL_VIEWERS)
def dispatch_model(request):
    from yingshang.hotline import smart_dispatch

    models = (
        scope.visible_to(request.user, DispatchModel).defer("params").order_by("-created_at", "-pk")
    )
    history = list(models[:10])
    trial = request.GET.get("text", "").strip()[:1000]
    trial_units = smart_dispatch.suggest(trial, k=3) if trial else []
    trial_topics = smart_dispatch.suggest_topic(trial, k=3) if trial else []
    return render(
        request,
        "knowledge/dispatch_model.html",
        {
            "current": history[0] if history else None,
            "history": history,
            "can_retrain": request.user.is_authenticated
            and scope.grants(request.user).has(Role.SUPERVISOR, Role.ADMIN),
            "trial": trial,
            "trial_units": trial_units,
            "trial_topics": trial_topics,
            "acceptance": smart_dispatch.acceptance(days=30),
        },
    )


@require_POST
@staff_required(Role.SUPERVISOR, Role.ADMIN)
def dispatch_retrain(request):
    from yingshang.knowledge.tasks import request_retrain

    try:
        holdout = float(request.POST.get("holdout") or 0.2)
    except ValueError:
        holdout = -1
    if not 0 <= holdout < 0.9:
        messages.error(request, _("留出比例应在 0 到 0.9 之间"))
        return redirect("knowledge:dispatch_model")
    request_retrain(actor=request.user, holdout=holdout)
    messages.success(request, _("已提交重新训练任务，完成后本页显示新模型的准确率"))
    return redirect("knowledge:dispatch_model")
