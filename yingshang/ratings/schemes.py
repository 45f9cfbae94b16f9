"""The rating content (评价指标) as versioned configuration. Version 1 is the national set of
second-level indicators (cn_rules.md §1, "Rating content"); a new version is published by an
admin through `scheme_publish` and ratings keep the version they were given under."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError
from yingshang.processcache import TTLCache
from yingshang.ratings.models import RatingScheme


@dataclass(frozen=True)
class ActiveScheme:
    """What a rating reads of the active RatingScheme row: the cached copy, never the row. Items
    are (code, label) pairs so the shared copy cannot be changed; `dimensions`/`problems` give
    them as the row does (lists of {"code", "label"}), fresh each time."""

    id: int
    kind: str
    version: int
    dimension_items: tuple[tuple[str, str], ...]
    problem_items: tuple[tuple[str, str], ...]
    created_at: dt.datetime
    is_active: bool = True

    @classmethod
    def of(cls, row: RatingScheme) -> "ActiveScheme":
        return cls(
            id=row.pk,
            kind=row.kind,
            version=row.version,
            dimension_items=tuple((d["code"], d["label"]) for d in row.dimensions),
            problem_items=tuple((p["code"], p["label"]) for p in row.problems),
            created_at=row.created_at,
            is_active=row.is_active,
        )

    @property
    def pk(self) -> int:
        return self.id

    @property
    def dimensions(self) -> list[dict]:
        return [{"code": c, "label": label} for c, label in self.dimension_items]

    @property
    def problems(self) -> list[dict]:
        return [{"code": c, "label": label} for c, label in self.problem_items]

    def dimension_codes(self) -> set[str]:
        return {c for c, _label in self.dimension_items}

    def problem_codes(self) -> set[str]:
        return {c for c, _label in self.problem_items}


# the active scheme per kind, read by every rating; publishing clears it in this process and
# the other processes give new ratings the new version within PROCESS_CACHE_SECONDS
ACTIVE = TTLCache("ratings.scheme")


def _active(kind: str) -> ActiveScheme | None:
    row = RatingScheme.objects.filter(kind=kind, is_active=True).first()
    return ActiveScheme.of(row) if row is not None else None


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


def active(kind: str) -> ActiveScheme:
    """The scheme a new rating is given under: the per-process copy (every rating reads it)."""
    scheme = ACTIVE.get(kind, lambda: _active(kind))
    if scheme is not None:
        return scheme
    ACTIVE.clear()  # not kept: the first rating creates it (in a transaction that may roll back)
    return ActiveScheme.of(current(kind))


def current(kind: str) -> RatingScheme:
    """The active row of `kind` (read from the database), created with the national set the
    first time it is asked for."""
    row = RatingScheme.objects.filter(kind=kind, is_active=True).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return RatingScheme.objects.create(kind=kind, version=1, **DEFAULTS[kind])
    except IntegrityError:  # a concurrent first rating created it
        return RatingScheme.objects.get(kind=kind, is_active=True)


CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
LABEL_MAX = 40
ITEMS_MAX = 20


def check_items(items, what: str) -> tuple[list[dict], list[tuple[int, str]]]:
    """The cleaned items and the problems found, as (1-based position, Chinese message). Codes
    are what ratings store (Rating.dimensions keys, Rating.problems), labels what people read."""
    if not isinstance(items, list) or not items:
        return [], [(0, _("%(what)s不能为空") % {"what": what})]
    if len(items) > ITEMS_MAX:
        return [], [(0, _("%(what)s最多%(n)s项") % {"what": what, "n": ITEMS_MAX})]
    out, errors, codes, labels = [], [], set(), set()
    for n, item in enumerate(items, start=1):
        item = item if isinstance(item, dict) else {}
        code, label = str(item.get("code", "")).strip(), str(item.get("label", "")).strip()
        if not code:
            errors.append((n, _("缺少代码")))
        elif not CODE_RE.match(code):
            errors.append(
                (
                    n,
                    _("代码“%(code)s”只能用小写英文字母、数字和下划线，以字母开头")
                    % {"code": code},
                )
            )
        elif code in codes:
            errors.append((n, _("代码“%(code)s”重复") % {"code": code}))
        if not label:
            errors.append((n, _("缺少名称")))
        elif len(label) > LABEL_MAX:
            errors.append((n, _("名称不能超过%(n)s个字") % {"n": LABEL_MAX}))
        elif label in labels:
            errors.append((n, _("名称“%(label)s”重复") % {"label": label}))
        codes.add(code)
        labels.add(label)
        out.append({"code": code, "label": label})
    return out, errors


def parse_lines(text: str) -> tuple[list[dict], list[int]]:
    """One item a line, "代码 名称" (a space, a tab or "|" between them); blank lines are skipped.
    Returns the items and, for each, its line number in `text` (to report errors per line). A
    line without a separator becomes an item without a label, which check_items reports."""
    items, numbers = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = re.split(r"\s*[|｜]\s*|\s+", line, maxsplit=1)
        items.append({"code": parts[0], "label": parts[1] if len(parts) > 1 else ""})
        numbers.append(number)
    return items, numbers


def as_lines(items: list[dict]) -> str:
    return "\n".join(f"{i['code']} {i['label']}" for i in items)


def _validate(items, what: str) -> list[dict]:
    out, errors = check_items(items, what)
    if errors:
        n, message = errors[0]
        raise DomainError(
            "RATING_SCHEME_INVALID",
            (_("%(what)s第%(n)s项：%(message)s") % {"what": what, "n": n, "message": message})
            if n
            else message,
            details={"field": str(what), "errors": [{"item": n, "message": m} for n, m in errors]},
            status=400,
        )
    return out


def versions(kind: str):
    """Every version of a kind, newest first (the ratings given under each keep pointing at it)."""
    current(kind)
    return RatingScheme.objects.filter(kind=kind).order_by("-version")


@transaction.atomic
def scheme_publish(
    *, actor, kind: str, dimensions: list[dict], problems: list[dict], reason: str = ""
) -> RatingScheme:
    """Publish a new version; the previous one stays for the ratings given under it."""
    workflow.gate(actor, RatingScheme(kind=kind), "publish")  # who first: before any content
    if kind not in RatingScheme.Kind.values:
        raise DomainError("RATING_SCHEME_KIND_INVALID", _("评价指标类型无效"), status=400)
    dimensions = _validate(dimensions, _("评价维度"))
    problems = _validate(problems, _("问题选项"))
    current(kind)
    # the active row serialises concurrent publications (the second waits, then gets v+2)
    old = RatingScheme.objects.select_for_update().get(kind=kind, is_active=True)
    if old.dimensions == dimensions and old.problems == problems:
        raise DomainError(
            "RATING_SCHEME_UNCHANGED", _("内容与当前版本相同，无需发布新版本"), status=409
        )
    RatingScheme.objects.filter(pk=old.pk).update(is_active=False)
    new = RatingScheme.objects.create(
        kind=kind, version=old.version + 1, dimensions=dimensions, problems=problems
    )
    workflow.record(
        actor,
        "rating_scheme.publish",
        new,
        before={"version": old.version},
        after={"version": new.version, "dimensions": dimensions, "problems": problems},
        reason=reason,
    )
    return new
