"""Reading the knowledge base: Chinese search and what a direct answer needs to cite.

search(text, on=day) tokenises the query with jieba, lets the database keep only published
articles valid on that day that contain at least one query term (exact token match on the
precomputed `tokens` field), and ranks those with BM25 over three fields (title ×3,
keywords ×2, body ×1). Document frequencies are exact (counted in the database); candidates
are fetched through the selective terms only, so a very common word (办理) does not pull in
the whole base."""

import datetime as dt
import math
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang.errors import DomainError
from yingshang.knowledge import text
from yingshang.knowledge.models import KnowledgeArticle

FIELD_WEIGHTS = {"t": 3.0, "k": 2.0, "b": 1.0}
K1 = 1.2
B = 0.75
AVG_TITLE = 8.0
AVG_BODY = 120.0
MAX_CANDIDATES = 2000
MAX_TERMS = 12
COMMON_MIN = 50
COMMON_SHARE = 0.1


@dataclass
class Hit:
    article: KnowledgeArticle
    score: float
    matched: list[str]


def valid_on(day: dt.date | None = None, queryset=None):
    """Published articles in force on `day` (today if None)."""
    day = day or timezone.localdate()
    qs = KnowledgeArticle.objects.all() if queryset is None else queryset
    return (
        qs.filter(status=KnowledgeArticle.Status.PUBLISHED)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    )


def _bm25(stats: dict, term: str, idf: float) -> float:
    score = 0.0
    for field, weight in FIELD_WEIGHTS.items():
        tf = stats.get(field, {}).get(term, 0)
        if not tf:
            continue
        length = stats.get("bl" if field == "b" else "tl", 0) or 1
        avg = AVG_BODY if field == "b" else AVG_TITLE
        norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg))
        score += weight * norm
    return score * idf


def search_hits(
    query: str,
    *,
    limit: int = 10,
    on: dt.date | None = None,
    queryset=None,
    kind: str | None = None,
    topic_code: str | None = None,
) -> list[Hit]:
    terms = text.query_terms(query)[:MAX_TERMS]
    if not terms:
        return []
    base = valid_on(on, queryset)
    if kind:
        base = base.filter(kind=kind)
    # the size of the base and exact document frequencies, in one scan
    counts = base.aggregate(
        _total=Count("pk"),
        **{f"t{i}": Count("pk", filter=Q(tokens__contains=f" {t} ")) for i, t in enumerate(terms)},
    )
    total = counts["_total"]
    if not total:
        return []
    df = {t: counts[f"t{i}"] for i, t in enumerate(terms)}
    present = [t for t in terms if df[t]]
    if not present:
        return []
    # candidates come from the selective terms; very common ones (办理, 申请 …) only add to
    # the score of articles found through the others
    common = max(COMMON_MIN, int(total * COMMON_SHARE))
    selective = [t for t in present if df[t] <= common] or sorted(present, key=lambda t: df[t])[:2]
    rows = list(
        base.filter(reduce(or_, (Q(tokens__contains=f" {t} ") for t in selective))).values_list(
            "pk", "token_stats", "topic_code"
        )[:MAX_CANDIDATES]
    )
    idf = {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in df.items()}
    scored = []
    for pk, st, topic in rows:
        score, matched = 0.0, []
        for t in present:
            s = _bm25(st, t, idf[t])
            if s:
                score += s
                matched.append(t)
        if topic_code and topic == topic_code:
            score *= 1.2
        if score > 0:
            scored.append((round(score, 4), pk, matched))
    scored.sort(key=lambda x: (-x[0], -x[1]))
    scored = scored[:limit]
    articles = (
        KnowledgeArticle.objects.in_bulk([pk for _s, pk, _m in scored])
        if queryset is None
        else queryset.in_bulk([pk for _s, pk, _m in scored])
    )
    return [Hit(articles[pk], score, matched) for score, pk, matched in scored if pk in articles]


def search(
    query: str, *, limit: int = 10, on: dt.date | None = None, **kwargs
) -> list[KnowledgeArticle]:
    """Articles valid on `on` (today by default), best match first."""
    return [h.article for h in search_hits(query, limit=limit, on=on, **kwargs)]


def citable(article_id: int, *, on: dt.date | None = None) -> KnowledgeArticle:
    """The article a direct answer may cite: published and in force on `on`. The hotline stores
    `article.pk` (and may copy `article.citation` / `article.version` into the reply)."""
    day = on or timezone.localdate()
    article = KnowledgeArticle.objects.filter(pk=article_id).first()
    if article is None:
        raise DomainError("KNOWLEDGE_NOT_FOUND", _("引用的知识条目不存在"), status=404)
    if not article.is_valid_on(day):
        raise DomainError("KNOWLEDGE_NOT_CITABLE", _("引用的知识条目未发布、已撤回或不在有效期内"))
    return article


def citation_snapshot(article: KnowledgeArticle) -> dict:
    """What a work order may copy at the moment it cites the article."""
    return {
        "id": article.pk,
        "title": article.title,
        "version": article.version,
        "citation": article.citation,
        "body": article.body,
    }
