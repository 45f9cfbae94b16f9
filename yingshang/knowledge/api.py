import datetime as dt

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from yingshang.apiaccess.idempotency import idempotent
from yingshang.errors import PermissionDeniedError
from yingshang.knowledge import selectors, services
from yingshang.knowledge.models import DispatchModel, KnowledgeArticle
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role

router = Router(tags=["知识库与智能派单 knowledge"])


class ArticleOut(Schema):
    id: int
    title: str
    body: str
    kind: str
    status: str
    version: int
    topic_code: str
    keywords: str
    unit_ids: list[int]
    valid_from: dt.date | None
    valid_until: dt.date | None
    citation: str
    updated_at: dt.datetime
    withdraw_reason: str


class SearchHitOut(ArticleOut):
    score: float
    matched: list[str]


class ArticleIn(Schema):
    title: str
    body: str
    kind: str = KnowledgeArticle.Kind.FAQ
    topic_code: str = ""
    keywords: str = ""
    unit_ids: list[int] = []
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    publish: bool = False


class ArticlePatch(Schema):
    title: str | None = None
    body: str | None = None
    kind: str | None = None
    topic_code: str | None = None
    keywords: str | None = None
    unit_ids: list[int] | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    reason: str = ""


class ReasonIn(Schema):
    reason: str


class SuggestionOut(Schema):
    id: int
    name: str
    score: float


class DispatchSuggestOut(Schema):
    units: list[SuggestionOut]
    topics: list[SuggestionOut]
    model_id: int | None


class DispatchModelOut(Schema):
    id: int
    created_at: dt.datetime
    trained_on: int
    evaluated_on: int
    holdout: float
    top1_accuracy: float | None
    top3_accuracy: float | None
    topic_top1_accuracy: float | None
    seconds: float


def _out(a: KnowledgeArticle, **extra) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "body": a.body,
        "kind": a.kind,
        "status": a.status,
        "version": a.version,
        "topic_code": a.topic_code,
        "keywords": a.keywords,
        "unit_ids": sorted(u.pk for u in a.units.all()),
        "valid_from": a.valid_from,
        "valid_until": a.valid_until,
        "citation": a.citation,
        "updated_at": a.updated_at,
        "withdraw_reason": a.withdraw_reason,
        **extra,
    }


def _units(request, ids) -> list[Unit]:
    return [scope.get_for(request.user, Unit, pk) for pk in ids]


@router.get(
    "/articles", response=list[SearchHitOut], summary="检索知识库（仅返回指定日期有效的已发布条目）"
)
def article_search(
    request: HttpRequest,
    q: str,
    on: dt.date | None = None,
    limit: int = 10,
    kind: str | None = None,
):
    hits = selectors.search_hits(
        q,
        limit=max(1, min(limit, 50)),
        on=on,
        queryset=scope.visible_to(request.user, KnowledgeArticle).prefetch_related("units"),
        kind=kind,
    )
    return [_out(h.article, score=h.score, matched=h.matched) for h in hits]


@router.get("/articles/{article_id}", response=ArticleOut, summary="知识条目详情")
def article_detail(request: HttpRequest, article_id: int):
    return _out(scope.get_for(request.user, KnowledgeArticle, article_id))


@router.post("/articles", response={201: ArticleOut}, summary="新建知识条目")
def article_create(request: HttpRequest, payload: ArticleIn):
    def create():
        data = payload.dict(exclude={"unit_ids", "publish"})
        article = services.article_create(
            actor=request.user,
            units=_units(request, payload.unit_ids),
            publish=payload.publish,
            **data,
        )
        return 201, _out(article)

    return idempotent(request, "knowledge.article_create", payload, create)


@router.patch("/articles/{article_id}", response=ArticleOut, summary="修订知识条目（版本号加一）")
def article_revise(request: HttpRequest, article_id: int, payload: ArticlePatch):
    article = scope.get_for(request.user, KnowledgeArticle, article_id)
    changes = payload.dict(exclude_unset=True, exclude={"unit_ids", "reason"})
    units = _units(request, payload.unit_ids) if payload.unit_ids is not None else None
    article = services.article_revise(
        actor=request.user, article=article, reason=payload.reason, units=units, **changes
    )
    return _out(article)


@router.post("/articles/{article_id}/publish", response=ArticleOut, summary="发布知识条目")
def article_publish(request: HttpRequest, article_id: int):
    article = scope.get_for(request.user, KnowledgeArticle, article_id)
    return _out(services.article_publish(actor=request.user, article=article))


@router.post(
    "/articles/{article_id}/withdraw", response=ArticleOut, summary="撤回知识条目（须填原因）"
)
def article_withdraw(request: HttpRequest, article_id: int, payload: ReasonIn):
    article = scope.get_for(request.user, KnowledgeArticle, article_id)
    return _out(
        services.article_withdraw(actor=request.user, article=article, reason=payload.reason)
    )


def _staff_only(request) -> None:
    if not scope.grants(request.user).is_staff_member:
        raise PermissionDeniedError("FORBIDDEN", _("只有工作人员可以使用智能派单"))


@router.get(
    "/dispatch/suggest",
    response=DispatchSuggestOut,
    summary="智能派单：根据诉求内容推荐承办单位和分类",
)
def dispatch_suggest(request: HttpRequest, text: str, k: int = 3):
    from yingshang.hotline import smart_dispatch

    _staff_only(request)
    k = max(1, min(k, 10))
    units = smart_dispatch.suggest(text, k=k)
    topics = smart_dispatch.suggest_topic(text, k=k)
    latest = DispatchModel.objects.order_by("-pk").values_list("pk", flat=True).first()
    return {
        "units": [{"id": u.pk, "name": u.name, "score": s} for u, s in units],
        "topics": [{"id": t.pk, "name": str(t), "score": s} for t, s in topics],
        "model_id": latest,
    }


@router.get(
    "/dispatch/model",
    response=DispatchModelOut,
    summary="当前智能派单模型及其准确率（未训练时 404）",
)
def dispatch_model(request: HttpRequest):
    model = scope.visible_to(request.user, DispatchModel).defer("params").order_by("-pk").first()
    if model is None:
        raise Http404
    return model


@router.post("/dispatch/retrain", response={202: dict}, summary="重新训练智能派单模型（排队执行）")
def dispatch_retrain(request: HttpRequest, holdout: float = 0.2):
    from yingshang.knowledge.tasks import request_retrain

    if not scope.grants(request.user).has(Role.SUPERVISOR, Role.ADMIN):
        raise PermissionDeniedError("FORBIDDEN", _("只有督查人员或管理员可以重新训练模型"))
    if not 0 <= holdout < 0.9:
        from yingshang.errors import InvalidInput

        raise InvalidInput("HOLDOUT_INVALID", _("留出比例应在 0 到 0.9 之间"))
    request_retrain(actor=request.user, holdout=holdout)
    return Status(202, {"status": "queued"})
