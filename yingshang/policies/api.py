"""REST of the policies module under /api/v1/policies/: the calendar (policies, tags, weekly
reviews, digests, subscriptions), delivery (items, applications, payments, figures) and
免申即享 (rule check, entitled firms, grant). Every list starts from the caller's scope; every
move is one POST per action of actions.py."""

from django.shortcuts import get_object_or_404
from ninja import Router

from yingshang import inputs
from yingshang.apiaccess.idempotency import idempotent
from yingshang.cases.actions import FileIn, decode_file
from yingshang.org import scope
from yingshang.policies import selectors, services
from yingshang.policies.actions import (
    APPLICATION_ACTIONS,
    POLICY_ACTIONS,
    REVIEW_ACTIONS,
    ReasonIn,
)
from yingshang.policies.api_schemas import (
    ApplicationOut,
    ApplyIn,
    DigestOut,
    EntitledOut,
    FiguresOut,
    GrantIn,
    ItemIn,
    ItemOut,
    PolicyIn,
    PolicyOut,
    ReviewOut,
    RuleIn,
    RuleOut,
    SubscriptionIn,
    SubscriptionOut,
    TagOut,
    application_out,
    figures_out,
    item_out,
    policy_out,
    review_out,
)
from yingshang.policies.models import (
    Application,
    Digest,
    Policy,
    PolicyItem,
    PolicyReview,
    Subscription,
    Tag,
)
from yingshang.policies.services import entitled
from yingshang.policies.services.calendar import week_of

router = Router(tags=["policies"])


def _policy(request, pk):
    return scope.get_for(
        request.auth, Policy, pk, queryset=Policy.objects.select_related("owner_unit")
    )


def _item(request, pk):
    return scope.get_for(
        request.auth, PolicyItem, pk, queryset=PolicyItem.objects.select_related("policy")
    )


def _application(request, pk):
    return scope.get_for(
        request.auth,
        Application,
        pk,
        queryset=Application.objects.select_related("item", "firm", "payment"),
    )


def _review(request, pk):
    return scope.get_for(
        request.auth, PolicyReview, pk, queryset=PolicyReview.objects.select_related("policy")
    )


def _files(files: list[FileIn]) -> dict:
    """material_key is the material's place in the item's list (0, 1, …)."""
    out: dict[str, list] = {}
    for f in files:
        out.setdefault(f"material_{f.material_key}", []).append(decode_file(f))
    return out


# --- calendar ------------------------------------------------------------------------------------
@router.get("/tags", response=list[TagOut], summary="政策标签（行业门类、规模、主题）")
def tag_list(request):
    return [
        {"kind": t.kind, "code": t.code, "name": t.name, "key": f"{t.kind}:{t.code}"}
        for t in Tag.objects.all()
    ]


@router.get("/policies", response=list[PolicyOut], summary="政策日历（检索、按标签筛选）")
def policy_list(
    request,
    q: inputs.Text[100] = "",
    tag: inputs.Text[30] = "",
    status: inputs.Text[10] = "",
    limit: inputs.Limit = 50,
    offset: inputs.Offset = 0,
):
    qs = selectors.policies(request.auth, q=q, tags=[tag] if tag else [], status=status)
    rows = qs.prefetch_related("tags").order_by("-issued_on", "-id")[
        offset : offset + min(limit, 200)
    ]
    return [policy_out(request.auth, p) for p in rows]


@router.post("/policies", response={201: PolicyOut}, summary="登记政策（草稿）")
def policy_create(request, payload: PolicyIn):
    def create():
        data = payload.model_dump()
        policy = services.policy_create(
            actor=request.auth, owner_unit=data.pop("owner_unit"), tags=data.pop("tags"), **data
        )
        return 201, policy_out(request.auth, _policy(request, policy.pk))

    return idempotent(request, "policies.policy_create", payload, create)


@router.get("/policies/{policy_id}", response=PolicyOut, summary="政策详情")
def policy_detail(request, policy_id: int):
    return policy_out(request.auth, _policy(request, policy_id))


POLICY_ACTIONS.add_routes(
    router,
    "/policies/{policy_id}",
    fetch=_policy,
    respond=lambda request, obj, result: policy_out(request.auth, _policy(request, obj.pk)),
    response=PolicyOut,
    key=("policy_id", int),
)


@router.get("/policies/{policy_id}/items", response=list[ItemOut], summary="政策的兑现事项")
def item_list(request, policy_id: int):
    policy = _policy(request, policy_id)
    return [item_out(i) for i in scope.visible_to(request.auth, PolicyItem).filter(policy=policy)]


@router.post("/policies/{policy_id}/items", response={201: ItemOut}, summary="增加兑现事项")
def item_create(request, policy_id: int, payload: ItemIn):
    policy = _policy(request, policy_id)

    def create():
        item = services.item_create(actor=request.auth, policy=policy, **payload.model_dump())
        return 201, item_out(item)

    return idempotent(request, "policies.item_create", payload, create)


@router.get("/policies/{policy_id}/delivery", response=FiguresOut, summary="政策兑现情况")
def policy_delivery(request, policy_id: int):
    policy = _policy(request, policy_id)
    return figures_out(selectors.delivery(request.auth, policy=policy))


@router.get("/reviews", response=list[ReviewOut], summary="政策周梳理任务")
def review_list(request, week: inputs.Date | None = None, overdue: bool = False):
    qs = selectors.reviews(request.auth, week=week_of(week) if week else None, overdue=overdue)
    return [review_out(r) for r in qs[:500]]


REVIEW_ACTIONS.add_routes(
    router,
    "/reviews/{review_id}",
    fetch=_review,
    respond=lambda request, obj, result: review_out(_review(request, obj.pk)),
    response=ReviewOut,
    key=("review_id", int),
)


@router.get("/subscription", response=SubscriptionOut, summary="本企业的政策订阅")
def subscription_get(request):
    sub = scope.visible_to(request.auth, Subscription).filter(user_id=request.auth.pk).first()
    if sub is None:
        return {"tags": [], "by_sms": False, "by_email": False, "active": False}
    return _sub_out(sub)


@router.put("/subscription", response=SubscriptionOut, summary="订阅政策周报（按标签）")
def subscription_put(request, payload: SubscriptionIn):
    return _sub_out(services.subscription_set(actor=request.auth, **payload.model_dump()))


def _sub_out(sub: Subscription) -> dict:
    return {
        "tags": sorted(f"{t.kind}:{t.code}" for t in sub.tags.all()),
        "by_sms": sub.by_sms,
        "by_email": sub.by_email,
        "active": sub.active,
    }


@router.get("/digests/{week}", response=DigestOut, summary="某周的政策周报")
def digest_detail(request, week: inputs.Date):
    digest = get_object_or_404(scope.visible_to(request.auth, Digest), week=week_of(week))
    return _digest_out(digest)


@router.post("/digests", response={201: DigestOut}, summary="生成本周政策周报（每周一自动生成）")
def digest_generate(request):
    from yingshang.errors import PermissionDeniedError
    from yingshang.policies.scopes import OFFICE, WORKERS

    if not scope.grants(request.auth).has(OFFICE, *WORKERS):
        raise PermissionDeniedError("POLICY_FORBIDDEN", "只有工作人员可以生成政策周报")
    return 201, _digest_out(services.digest_generate(actor=request.auth))


def _digest_out(d: Digest) -> dict:
    return {
        "week": d.week,
        "policies": list(d.policies.values_list("pk", flat=True)),
        "items": list(d.items.values_list("pk", flat=True)),
        "subscribers": d.subscribers,
        "messages": d.messages,
        "completed": d.completed,
    }


# --- delivery ------------------------------------------------------------------------------------
@router.get("/items/{item_id}", response=ItemOut, summary="兑现事项详情")
def item_detail(request, item_id: int):
    return item_out(_item(request, item_id))


@router.get("/items/{item_id}/delivery", response=FiguresOut, summary="兑现事项的兑现情况")
def item_delivery(request, item_id: int):
    return figures_out(selectors.item_figures(request.auth, _item(request, item_id)))


@router.post("/items/{item_id}/withdraw", response=ItemOut, summary="撤回兑现事项（附原因）")
def item_withdraw(request, item_id: int, payload: ReasonIn):
    item = services.item_withdraw(
        actor=request.auth, item=_item(request, item_id), reason=payload.reason
    )
    return item_out(item)


@router.post("/items/{item_id}/apply", response={201: ApplicationOut}, summary="企业申报兑现")
def application_submit(request, item_id: int, payload: ApplyIn):
    item = _item(request, item_id)

    def create():
        app = services.application_submit(
            actor=request.auth,
            item=item,
            basis=payload.basis,
            note=payload.note,
            files=_files(payload.files),
        )
        return 201, application_out(request.auth, _application(request, app.pk))

    return idempotent(request, "policies.apply", payload, create)


@router.get("/applications", response=list[ApplicationOut], summary="兑现申请（按范围）")
def application_list(
    request,
    status: inputs.Text[10] = "",
    item: inputs.DbId | None = None,
    limit: inputs.Limit = 50,
    offset: inputs.Offset = 0,
):
    qs = selectors.applications(request.auth, status=status).select_related("payment")
    if item is not None:
        qs = qs.filter(item_id=item)
    return [application_out(request.auth, a) for a in qs[offset : offset + min(limit, 200)]]


@router.get("/applications/{application_id}", response=ApplicationOut, summary="兑现申请详情")
def application_detail(request, application_id: int):
    return application_out(request.auth, _application(request, application_id))


APPLICATION_ACTIONS.add_routes(
    router,
    "/applications/{application_id}",
    fetch=_application,
    respond=lambda request, obj, result: application_out(
        request.auth, _application(request, obj.pk)
    ),
    response=ApplicationOut,
    key=("application_id", int),
)


@router.get("/delivery", response=list[dict], summary="各政策兑现率、拨付与预算、兑现用时")
def delivery_list(request):
    return [
        {"policy": p.pk, "title": p.title, **figures_out(d)}
        for p, d in selectors.delivery_by_policy(request.auth)
    ]


# --- 免申即享 --------------------------------------------------------------------------------------
@router.post("/rules/check", response=RuleOut, summary="校验申报条件并统计今天符合的企业数")
def rule_check(request, payload: RuleIn):
    from yingshang.errors import PermissionDeniedError
    from yingshang.policies.scopes import STAFF

    if not scope.grants(request.auth).has(*STAFF):
        raise PermissionDeniedError("POLICY_FORBIDDEN", "只有工作人员可以试算申报条件")
    qs, used = entitled.entitled_firms(payload.rule)
    return {"rule": payload.rule, "facts": used, "firms": qs.count()}


@router.get(
    "/items/{item_id}/entitled", response=EntitledOut, summary="免申即享：符合条件的企业及依据"
)
def entitled_list(request, item_id: int, limit: inputs.Limit = 100):
    item = _item(request, item_id)
    from yingshang.policies.scopes import reviews_item

    allowed = reviews_item(scope.grants(request.auth), item) or scope.grants(request.auth).sees_all
    if not allowed:
        from yingshang.errors import PermissionDeniedError

        raise PermissionDeniedError("POLICY_NOT_REVIEW_UNIT", "只有审核单位可以查看符合条件的企业")
    total, found = entitled.matches(item, limit=min(limit, 1000))
    return {
        "total": total,
        "rule": item.rule,
        "firms": [
            {
                "firm_id": m.firm_id,
                "uscc": m.uscc,
                "name": m.name,
                "facts": m.shown,
                "blocked": m.blocked,
                "granted": m.granted,
            }
            for m in found
        ],
    }


@router.post(
    "/items/{item_id}/grant", response={201: ApplicationOut}, summary="免申即享：直接核定兑现"
)
def grant(request, item_id: int, payload: GrantIn):
    item = _item(request, item_id)

    def create():
        app = entitled.grant(
            actor=request.auth, item=item, firm_id=payload.firm_id, reason=payload.reason
        )
        return 201, application_out(request.auth, _application(request, app.pk))

    return idempotent(request, "policies.grant", payload, create)
