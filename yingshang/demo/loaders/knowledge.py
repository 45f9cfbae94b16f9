"""Demo knowledge base: the answers of data/knowledge/articles.yaml, published through the
knowledge services, and (after the hotline's demo orders exist) a first smart-dispatch model
trained on them."""

import datetime as dt

from django.utils import timezone

from yingshang.demo.registry import load_yaml
from yingshang.hotline import smart_dispatch
from yingshang.knowledge import services
from yingshang.knowledge.models import DispatchModel, KnowledgeArticle
from yingshang.org.models import Unit, User


def _actor():
    return (
        User.objects.filter(username="admin").first()
        or User.objects.filter(is_superuser=True).first()
    )


def articles() -> list[dict]:
    return load_yaml("knowledge", "articles.yaml")


def load_demo(ctx) -> None:
    actor = _actor()
    if actor is None:
        ctx.log("    knowledge: no admin account, skipped")
        return
    units = {u.code: u for u in Unit.objects.all()}
    existing = set(KnowledgeArticle.objects.values_list("title", flat=True))
    last_year = timezone.localdate().year - 1
    for entry in articles():
        if entry["title"] in existing:
            continue
        withdrawn = entry.get("withdrawn", "")
        article = services.article_create(
            actor=actor,
            title=entry["title"],
            body=entry["body"],
            kind=KnowledgeArticle.Kind(entry["kind"]),
            units=[units[c] for c in entry["units"] if c in units],
            topic_code=entry["topic"],
            keywords=entry["keywords"],
            valid_from=dt.date(last_year, 1, 1),
            valid_until=dt.date(last_year, 12, 31) if withdrawn else None,
            publish=True,
        )
        if withdrawn:
            services.article_withdraw(actor=actor, article=article, reason=withdrawn)
    # a first smart-dispatch model from the hotline's demo orders (hotline demo runs before us;
    # train() returns None when there is nothing to learn from)
    if not DispatchModel.objects.exists():
        model = smart_dispatch.train(holdout=0.2, actor=actor)
        if model is not None:
            ctx.log(
                f"    smart dispatch: trained on {model.trained_on} orders, top-1 {model.top1_accuracy}"
            )


def generate(ctx, scale) -> dict:
    """Bulk articles for benchmarks (no per-row services): variations of the demo answers."""
    entries = articles()
    n = max(scale.n(3000), len(entries))
    actor = _actor()
    if actor is None:
        return {"articles": 0}
    rows = []
    towns = ["城关镇", "东坝镇", "西河镇", "南山镇", "北塘镇", "青石镇", "柳林乡", "白马乡"]
    now = timezone.now()
    for i in range(n):
        entry = entries[i % len(entries)]
        town = towns[ctx.rng.randrange(len(towns))]
        art = KnowledgeArticle(
            title=f"{entry['title']}（{town}{i}）"[:200],
            body=f"{entry['body']}\n{town}便民服务中心同样受理。",
            kind=entry["kind"],
            topic_code=entry["topic"],
            keywords=entry["keywords"],
            status=KnowledgeArticle.Status.PUBLISHED,
            created_by=actor,
            published_at=now,
        )
        services.index_fields(art)
        rows.append(art)
    KnowledgeArticle.objects.bulk_create(rows, batch_size=1000)
    return {"articles": n}
