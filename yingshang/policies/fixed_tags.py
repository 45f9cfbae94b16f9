"""The fixed tags: the GB/T 4754-2017 门类 (A–T) and the four firm sizes, plus the usual topics
of county enterprise policies (staff add more). Seeded by migration 0002; `ensure_tags()` puts
them back where a test flushed the tables."""

from yingshang.policies.rules import INDUSTRIES, SIZES

TOPICS = [
    ("funding", "资金补助"),
    ("tax", "税费减免"),
    ("finance", "融资信贷"),
    ("talent", "人才引进"),
    ("innovation", "科技创新"),
    ("land", "用地用房"),
    ("employment", "稳岗就业"),
    ("investment", "招商引资"),
]


def ensure_tags(tag_model=None) -> None:
    if tag_model is None:
        from yingshang.policies.models import Tag as tag_model
    for kind, pairs in (
        ("industry", list(INDUSTRIES.items())),
        ("size", list(SIZES.items())),
        ("topic", TOPICS),
    ):
        for n, (code, name) in enumerate(pairs):
            tag_model.objects.get_or_create(
                kind=kind, code=code, defaults={"name": name, "sort_order": n}
            )
