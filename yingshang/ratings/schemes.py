"""The rating content (评价指标) as versioned configuration. Version 1 is the national set of
second-level indicators (cn_rules.md §1, "Rating content"); a new version is published by an
admin through `scheme_publish` and ratings keep the version they were given under."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.errors import DomainError
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.ratings.models import RatingScheme

# Labels are data (stored in the scheme row), so they are kept in Chinese here.
DEFAULTS = {
    RatingScheme.Kind.ONLINE: {
        "dimensions": [
            {"code": "overall", "label": "整体满意度"},
            {"code": "efficiency", "label": "办事效率"},
            {"code": "guide", "label": "办事指南准确"},
            {"code": "convenience", "label": "办事便捷"},
            {"code": "platform", "label": "平台好用"},
        ],
        "problems": [
            {"code": "slow", "label": "办理时间长、超时办理"},
            {"code": "guide_wrong", "label": "办事指南不准确、不一次性告知"},
            {"code": "extra_materials", "label": "要求提供额外材料"},
            {"code": "many_visits", "label": "多次跑动"},
            {"code": "platform_hard", "label": "平台操作复杂、系统故障"},
            {"code": "no_reply", "label": "咨询无人答复"},
            {"code": "other", "label": "其他"},
        ],
    },
    RatingScheme.Kind.ONSITE: {
        "dimensions": [
            {"code": "overall", "label": "整体满意度"},
            {"code": "efficiency", "label": "服务效率"},
            {"code": "skill", "label": "服务水平"},
            {"code": "attitude", "label": "服务态度"},
        ],
        "problems": [
            {"code": "attitude", "label": "态度生硬、推诿扯皮"},
            {"code": "long_wait", "label": "排队等候时间长"},
            {"code": "not_once", "label": "未一次性告知"},
            {"code": "unskilled", "label": "业务不熟练"},
            {"code": "absent", "label": "窗口无人、脱岗"},
            {"code": "ask_favour", "label": "吃拿卡要"},
            {"code": "other", "label": "其他"},
        ],
    },
}


def current(kind: str) -> RatingScheme:
    scheme = RatingScheme.objects.filter(kind=kind, is_active=True).first()
    if scheme is not None:
        return scheme
    try:
        with transaction.atomic():
            return RatingScheme.objects.create(kind=kind, version=1, **DEFAULTS[kind])
    except IntegrityError:  # a concurrent first rating created it
        return RatingScheme.objects.get(kind=kind, is_active=True)


def _validate(items, what: str) -> list[dict]:
    if not isinstance(items, list) or not items:
        raise DomainError(
            "RATING_SCHEME_INVALID", _("%(what)s不能为空") % {"what": what}, status=400
        )
    codes = set()
    out = []
    for item in items:
        code, label = str(item.get("code", "")).strip(), str(item.get("label", "")).strip()
        if not code or not label or code in codes:
            raise DomainError(
                "RATING_SCHEME_INVALID",
                _("%(what)s的代码和名称必须填写且不重复") % {"what": what},
                status=400,
            )
        codes.add(code)
        out.append({"code": code, "label": label})
    return out


@transaction.atomic
def scheme_publish(
    *, actor, kind: str, dimensions: list[dict], problems: list[dict], reason: str = ""
) -> RatingScheme:
    """Publish a new version; the previous one stays for the ratings given under it."""
    if not grants(actor).has(Role.ADMIN):
        raise DomainError(
            "RATING_SCHEME_FORBIDDEN", _("只有系统管理员可以发布评价指标"), status=403
        )
    dimensions = _validate(dimensions, _("评价维度"))
    problems = _validate(problems, _("问题选项"))
    old = current(kind)
    RatingScheme.objects.filter(pk=old.pk).update(is_active=False)
    new = RatingScheme.objects.create(
        kind=kind, version=old.version + 1, dimensions=dimensions, problems=problems
    )
    audit.record(
        actor=actor,
        action="rating_scheme.publish",
        obj=new,
        before={"version": old.version},
        after={"version": new.version, "dimensions": dimensions, "problems": problems},
        reason=reason,
    )
    return new
