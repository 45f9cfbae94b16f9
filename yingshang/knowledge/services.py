"""Writes to the knowledge base. Every change is audited; nothing is deleted.

article_create(actor=, title=, body=, kind=, units=, topic_code=, keywords=, valid_from=, valid_until=)
article_publish(actor=, article=)
article_revise(actor=, article=, reason=, **changes)   # version + 1, before/after in the audit log
article_withdraw(actor=, article=, reason=)
"""

from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.knowledge import text
from yingshang.knowledge.models import KnowledgeArticle
from yingshang.org.roles import Role
from yingshang.org.scope import grants

EDITOR_ROLES = (Role.SUPERVISOR, Role.HOTLINE_OPERATOR, Role.ADMIN)
EDITABLE = ("title", "body", "kind", "topic_code", "keywords", "valid_from", "valid_until")


def can_edit(user) -> bool:
    return user is not None and user.is_authenticated and grants(user).has(*EDITOR_ROLES)


def _require_editor(actor) -> None:
    if not can_edit(actor):
        raise PermissionDeniedError(
            "KNOWLEDGE_FORBIDDEN", _("只有热线话务员、督查人员或管理员可以维护知识库")
        )


def index_fields(article: KnowledgeArticle) -> None:
    """Recompute the search index of an article (not saved)."""
    title = text.search_tokens(article.title)
    keywords = text.search_tokens((article.keywords or "").replace(",", " ").replace("，", " "))
    body = text.search_tokens(article.body)
    article.token_stats = {
        "t": dict(Counter(title)),
        "k": dict(Counter(keywords)),
        "b": dict(Counter(body)),
        "tl": len(title),
        "bl": len(body),
    }
    article.tokens = " " + " ".join(sorted(set(title) | set(keywords) | set(body))) + " "


def _validate(data: dict) -> dict:
    errors = {}
    title = (data.get("title") or "").strip()
    body = (data.get("body") or "").strip()
    if not title:
        errors["title"] = _("请填写标题")
    elif len(title) > 200:
        errors["title"] = _("标题不能超过200个字")
    if not body:
        errors["body"] = _("请填写答复口径")
    kind = data.get("kind") or KnowledgeArticle.Kind.FAQ
    if kind not in KnowledgeArticle.Kind.values:
        errors["kind"] = _("类型不正确")
    vf, vu = data.get("valid_from"), data.get("valid_until")
    if vf and vu and vu < vf:
        errors["valid_until"] = _("失效日期不能早于生效日期")
    if errors:
        raise InvalidInput(
            "KNOWLEDGE_INVALID",
            _("知识条目填写有误：%(f)s") % {"f": "；".join(errors.values())},
            details={"fields": errors},
        )
    data = dict(data)
    data["title"], data["body"], data["kind"] = title, body, kind
    data["topic_code"] = (data.get("topic_code") or "").strip()[:40]
    data["keywords"] = (data.get("keywords") or "").strip()[:200]
    return data


def _snapshot(article: KnowledgeArticle) -> dict:
    return {
        "title": article.title,
        "body": article.body,
        "kind": article.kind,
        "topic_code": article.topic_code,
        "keywords": article.keywords,
        "valid_from": article.valid_from,
        "valid_until": article.valid_until,
        "status": article.status,
        "version": article.version,
        "units": sorted(article.units.values_list("pk", flat=True)) if article.pk else [],
    }


@transaction.atomic
def article_create(
    *,
    actor,
    title: str,
    body: str,
    kind: str = KnowledgeArticle.Kind.FAQ,
    units=(),
    topic_code: str = "",
    keywords: str = "",
    valid_from=None,
    valid_until=None,
    publish: bool = False,
) -> KnowledgeArticle:
    _require_editor(actor)
    data = _validate(
        {
            "title": title,
            "body": body,
            "kind": kind,
            "topic_code": topic_code,
            "keywords": keywords,
            "valid_from": valid_from,
            "valid_until": valid_until,
        }
    )
    article = KnowledgeArticle(created_by=actor, **data)
    index_fields(article)
    article.save()
    if units:
        article.units.set(units)
    audit.record(actor=actor, action="knowledge.create", obj=article, after=_snapshot(article))
    if publish:
        article = article_publish(actor=actor, article=article)
    return article


@transaction.atomic
def article_publish(*, actor, article: KnowledgeArticle) -> KnowledgeArticle:
    _require_editor(actor)
    article = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    if article.status == KnowledgeArticle.Status.PUBLISHED:
        raise DomainError("KNOWLEDGE_ALREADY_PUBLISHED", _("该知识条目已发布"))
    before = article.status
    article.status = KnowledgeArticle.Status.PUBLISHED
    article.published_at = timezone.now()
    article.withdrawn_at = None
    article.withdraw_reason = ""
    article.save(
        update_fields=["status", "published_at", "withdrawn_at", "withdraw_reason", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="knowledge.publish",
        obj=article,
        before={"status": before},
        after={"status": article.status, "version": article.version},
    )
    return article


@transaction.atomic
def article_revise(
    *, actor, article: KnowledgeArticle, reason: str = "", units=None, **changes
) -> KnowledgeArticle:
    """Change the content; the version goes up and the audit event keeps what changed."""
    _require_editor(actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(
            "KNOWLEDGE_INVALID", _("不能修改的字段：%(f)s") % {"f": "、".join(sorted(unknown))}
        )
    article = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    if article.status == KnowledgeArticle.Status.WITHDRAWN:
        raise DomainError("KNOWLEDGE_WITHDRAWN", _("已撤回的知识条目不能修改，请重新发布或新建"))
    before = _snapshot(article)
    current = {f: getattr(article, f) for f in EDITABLE}
    current.update(changes)
    data = _validate(current)
    for field in EDITABLE:
        setattr(article, field, data[field])
    if units is not None:
        article.units.set(units)
    after = _snapshot(article)
    if {k: v for k, v in before.items() if k != "version"} == {
        k: v for k, v in after.items() if k != "version"
    }:
        return article  # nothing changed: no new version
    article.version += 1
    index_fields(article)
    article.save()
    after["version"] = article.version
    audit.record(
        actor=actor,
        action="knowledge.revise",
        obj=article,
        before=before,
        after=after,
        reason=reason,
    )
    return article


@transaction.atomic
def article_withdraw(*, actor, article: KnowledgeArticle, reason: str) -> KnowledgeArticle:
    _require_editor(actor)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "KNOWLEDGE_REASON_REQUIRED",
            _("撤回知识条目必须填写原因"),
            details={"fields": {"reason": _("请填写撤回原因")}},
        )
    article = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    if article.status == KnowledgeArticle.Status.WITHDRAWN:
        raise DomainError("KNOWLEDGE_ALREADY_WITHDRAWN", _("该知识条目已撤回"))
    before = article.status
    article.status = KnowledgeArticle.Status.WITHDRAWN
    article.withdrawn_at = timezone.now()
    article.withdraw_reason = reason[:200]
    article.save(update_fields=["status", "withdrawn_at", "withdraw_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="knowledge.withdraw",
        obj=article,
        before={"status": before},
        after={"status": article.status},
        reason=reason,
    )
    return article
