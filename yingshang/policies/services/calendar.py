"""政策日历: policies, their tags and the owner unit's weekly review (seed 003: 发改局牵头建立
"政策日历"，每周对上级新规进行系统梳理)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import InvalidInput
from yingshang.notify import services as notify
from yingshang.org import scope
from yingshang.org.staff import staff_of
from yingshang.policies import scopes
from yingshang.policies import transitions as t
from yingshang.policies.models import Policy, PolicyReview, Tag
from yingshang.policies.services import common
from yingshang.workcal import clocks, periods

FIELDS = (
    "title",
    "issuer",
    "document_number",
    "level",
    "issued_on",
    "effective_on",
    "expires_on",
    "applies_from",
    "applies_until",
    "summary",
    "interpretation",
)


def tags_from(codes, field: str = "tags") -> list[Tag]:
    """Tags named "kind:code" (industry:C, size:small, topic:funding); unknown ones refused."""
    wanted = [str(c).strip() for c in (codes or []) if str(c).strip()]
    found = {f"{tag.kind}:{tag.code}": tag for tag in Tag.objects.all()}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise common.bad(
            "POLICY_TAG_UNKNOWN",
            field,
            _("未知标签：%(t)s") % {"t": "、".join(unknown)},
            unknown=unknown,
        )
    return [found[c] for c in dict.fromkeys(wanted)]


def tag_create(*, actor, kind: str, code: str, name: str) -> Tag:
    """A new topic (行业与规模标签是固定的：GB/T 4754 门类与企业划型)."""
    workflow.require_actor(actor)
    g = scope.grants(actor)
    if not workflow.is_system(actor) and not g.has(scopes.OFFICE, *scopes.WORKERS):
        raise common.bad("POLICY_FORBIDDEN", "kind", _("只有工作人员可以增加标签"))
    if kind != Tag.Kind.TOPIC:
        raise common.bad("POLICY_TAG_KIND", "kind", _("只能增加主题标签；行业、规模标签为固定分类"))
    code = common.text(code, "code", max_length=20)
    name = common.text(name, "title", max_length=40)
    with transaction.atomic():
        if Tag.objects.filter(kind=kind, code=code).exists():
            raise common.bad(
                "POLICY_TAG_EXISTS", "code", _("已有代码为 %(c)s 的标签") % {"c": code}
            )
        tag = Tag.objects.create(kind=kind, code=code, name=name)
        workflow.record(actor, "policy.tag_create", tag, after={"code": code, "name": name})
    return tag


def _clean(data: dict, *, partial: dict | None = None) -> dict:
    base = dict(partial or {})
    base.update({k: v for k, v in data.items() if k in FIELDS})
    out = {
        "title": common.text(base.get("title"), "title"),
        "issuer": common.text(base.get("issuer"), "issuer", max_length=100),
        "document_number": common.text(
            base.get("document_number"), "document_number", required=False, max_length=60
        ),
        "summary": common.text(base.get("summary"), "summary", max_length=4000),
        "interpretation": common.text(
            base.get("interpretation"), "interpretation", required=False, max_length=20000
        ),
        "issued_on": common.date(base.get("issued_on"), "issued_on"),
        "effective_on": common.date(base.get("effective_on"), "effective_on"),
        "expires_on": common.date(base.get("expires_on"), "expires_on", required=False),
        "applies_from": common.date(base.get("applies_from"), "applies_from", required=False),
        "applies_until": common.date(base.get("applies_until"), "applies_until", required=False),
    }
    level = base.get("level") or Policy.Level.COUNTY
    if level not in Policy.Level.values:
        raise common.bad("POLICY_LEVEL_UNKNOWN", "level", _("层级应为 国家/省级/市级/县级"))
    out["level"] = level
    common.order(out["effective_on"], out["expires_on"], "effective_on", "expires_on")
    common.order(out["applies_from"], out["applies_until"], "applies_from", "applies_until")
    return out


def policy_create(*, actor, owner_unit, tags=(), **data) -> Policy:
    workflow.require_actor(actor)
    unit = common.unit(owner_unit, "owner_unit")
    g = scope.grants(actor) if not workflow.is_system(actor) else None
    if g is not None:
        allowed = scopes.may_create(g, unit.pk)
        if not allowed:
            raise common.bad("POLICY_NOT_OWNER", "owner_unit", str(allowed))
    fields = _clean(data)
    chosen = tags_from(tags)
    with transaction.atomic():
        policy = Policy(owner_unit=unit, created_by=actor if actor else None, **fields)
        policy.tokens = _tokens(policy)
        policy.save()
        policy.tags.set(chosen)
        workflow.record(
            actor,
            "policy.create",
            policy,
            after={**_plain(fields), "owner_unit": unit.pk, "tags": [str(c) for c in tags]},
        )
    return policy


def policy_update(*, actor, policy: Policy, tags=None, owner_unit=None, **data) -> Policy:
    with transaction.atomic():
        policy = workflow.lock(actor, policy, action="update", table=t.POLICY)
        before = {f: getattr(policy, f) for f in FIELDS}
        fields = _clean(data, partial=before)
        changed = {k: v for k, v in fields.items() if v != before[k]}
        for k, v in changed.items():
            setattr(policy, k, v)
        if owner_unit not in (None, "", policy.owner_unit_id):
            policy.owner_unit = common.unit(owner_unit, "owner_unit")
            changed["owner_unit"] = policy.owner_unit_id
        policy.tokens = _tokens(policy)
        policy.save()
        if tags is not None:
            policy.tags.set(tags_from(tags))
            changed["tags"] = [str(c) for c in tags]
        workflow.record(
            actor,
            "policy.update",
            policy,
            before=_plain({k: before.get(k) for k in changed}),
            after=_plain(changed),
        )
    return policy


def policy_publish(*, actor, policy: Policy) -> Policy:
    with transaction.atomic():
        policy = workflow.lock(actor, policy, action="publish", table=t.POLICY)
        policy.status = t.POLICY.target("publish", policy.status)
        policy.published_at = timezone.now()
        policy.save(update_fields=["status", "published_at", "updated_at"])
        workflow.record(
            actor,
            "policy.publish",
            policy,
            before={"status": t.DRAFT},
            after={"status": t.PUBLISHED},
        )
    return policy


def policy_withdraw(*, actor, policy: Policy, reason: str = "") -> Policy:
    reason = common.text(reason, "reason", max_length=300)
    with transaction.atomic():
        policy = workflow.lock(actor, policy, action="withdraw", table=t.POLICY)
        before = policy.status
        policy.status = t.POLICY.target("withdraw", policy.status)
        policy.withdraw_reason = reason
        policy.save(update_fields=["status", "withdraw_reason", "updated_at"])
        workflow.record(
            actor,
            "policy.withdraw",
            policy,
            before={"status": before},
            after={"status": policy.status},
            reason=reason,
        )
    return policy


# --- the weekly review -------------------------------------------------------------------------
def week_of(day: dt.date) -> dt.date:
    return periods.period_of("week", day).first


def reviews_open(*, week: dt.date | None = None, at: dt.datetime | None = None) -> int:
    """Open this week's review of every policy in force (published, not expired): one row per
    policy and week (a second run adds nothing), each with a working-day clock from the Monday
    (POLICY_REVIEW_DAYS, 3 by default). Run by the Monday job."""
    week = week or week_of(periods.today())
    start = at or periods.Period("day", week, week).start
    due = Policy.objects.filter(status=t.PUBLISHED).exclude(expires_on__lt=week)
    have = set(PolicyReview.objects.filter(week=week).values_list("policy_id", flat=True))
    made = 0
    for policy in due.exclude(pk__in=have).order_by("pk"):
        with transaction.atomic():
            review = PolicyReview.objects.create(policy=policy, week=week, unit=policy.owner_unit)
            clock = clocks.clock_start(
                owner=review,
                purpose="review",
                amount=settings.POLICY_REVIEW_DAYS,
                unit="working_days",
                started_at=start,
            )
            review.mirror(clock)
            review.save(update_fields=["due_at", "clock_state"])
            workflow.record(
                workflow.SYSTEM,
                "policy.review_open",
                review,
                after={"week": week.isoformat(), "due_at": clock.due_at.isoformat()},
            )
            notify.send_to(
                staff_of(policy.owner_unit_id),
                body=_("本周政策梳理：请于 %(due)s 前完成《%(title)s》的梳理。")
                % {
                    "due": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M"),
                    "title": policy.title,
                },
                related=review,
            )
        made += 1
    return made


def review_complete(
    *, actor, review: PolicyReview, conclusion: str = "", note: str = ""
) -> PolicyReview:
    if conclusion not in PolicyReview.Conclusion.values:
        raise common.bad("POLICY_REVIEW_CONCLUSION", "conclusion", _("请选择梳理结论"))
    note = common.text(note, "reason", required=conclusion != "unchanged", max_length=2000)
    with transaction.atomic():
        review = workflow.lock(actor, review, action="complete", table=t.REVIEW)
        now = timezone.now()
        clock = clocks.clock_stop_open(review, "review", at=now)
        review.status = t.REVIEW.target("complete", review.status)
        review.conclusion = conclusion
        review.note = note
        review.reviewed_by = actor if actor else None
        review.reviewed_at = now
        review.on_time = clock is None or clock.outcome == "met"
        review.mirror(clock)
        review.save()
        workflow.record(
            actor,
            "policy.review_complete",
            review,
            before={"status": t.OPEN},
            after={"status": t.DONE, "conclusion": conclusion, "on_time": review.on_time},
            reason=note,
        )
    return review


def on_review_clock(new_state: str, moved) -> None:
    """The sweep moved review clocks to warning/overdue: copy the state onto the rows."""
    ids = [int(m.owner_id) for m in moved]
    PolicyReview.objects.filter(pk__in=ids, status=t.OPEN).update(clock_state=new_state)


clocks.on_transition("policies.policyreview", on_review_clock)


def _tokens(policy: Policy) -> str:
    return common.search_tokens(
        policy.title, policy.document_number, policy.issuer, policy.summary, policy.interpretation
    )


def _plain(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}


__all__ = [
    "InvalidInput",
    "policy_create",
    "policy_publish",
    "policy_update",
    "policy_withdraw",
    "review_complete",
    "reviews_open",
    "tag_create",
    "tags_from",
]
