"""Issue 22 (policies):
- 免申即享: 20 eligibility rules evaluated over 200,000 firms in under 10 s in all — for each
  rule the number of firms entitled and the first 200 with the facts behind each match
  (services.entitled.matches: one filter compiled from the rule, one count, one page), on
  PostgreSQL; 1 % of the firms on the dishonest list (the 联合惩戒 subquery is in most rules);
- the weekly digest for 100,000 subscribers queued in under 60 s (services.digest.digest_generate:
  one in-app message per subscriber whose tags match, plus SMS for the 10 % who asked for it,
  written to the notify outbox in batches).

Volume: firms, accounts and subscriptions are bulk-inserted (their time is reported, not
timed against the targets). YS_BENCH_VOLUME scales both (0.005 for a smoke run).

    .venv/bin/python bench/bench_policies.py [--sqlite]
"""

import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NAME = "policies"
FIRMS = 200_000
SUBSCRIBERS = 100_000
TARGET_RULES_S = 10.0
TARGET_DIGEST_S = 60.0
BATCH = 5_000

RULES = [
    "规模 in [小型, 微型] 且 非 失信",
    "行业 = C 且 非 失信",
    "行业 = C 且 规模 = 小型 且 成立年限 >= 2 且 非 失信",
    "成立年限 < 1 且 规模 in [小型, 微型] 且 非 失信",
    "规模 in [中型, 大型] 且 行业 in [C, D, E] 且 非 失信",
    "行业 in [C, I, M] 且 非 失信",
    "规模 in [小型, 微型] 且 成立年限 >= 1 且 非 失信",
    "非 失信",
    "行业 in [F, H] 且 非 失信",
    "行业 = G 且 非 失信",
    "非 失信 且 成立年限 >= 3",
    "region = 139999100 and size = small",
    "region in [139999101, 139999102] and industry = A",
    "established_on >= 2020-01-01 and established_on < 2023-01-01",
    "not (industry = C) and size = micro and not dishonest",
    "(industry = C or industry = I) and age_years <= 5",
    "declared_size = small and size = medium",
    "firm_type = 有限责任公司 and 非 失信",
    "age_years >= 10 or size = large",
    "失信",
]
SIZES = ["micro"] * 6 + ["small"] * 3 + ["medium", "large"]
INDUSTRIES = list("CCCCFFFGHIAEM")
REGIONS = ["139999100000", "139999101000", "139999102000", "139999103000"]


def make_firms(n: int) -> dict:
    from yingshang.credit.models import CreditSubject, DishonestListing
    from yingshang.enterprises.models import Firm
    from yingshang.org.identifiers import uscc_check_char

    rng = random.Random(22)
    today = dt.date.today()
    started = time.perf_counter()
    for start in range(0, n, BATCH):
        rows = []
        for i in range(start, min(n, start + BATCH)):
            body = f"91139999MA{i:07d}"
            size = rng.choice(SIZES)
            rows.append(
                Firm(
                    uscc=body + uscc_check_char(body),
                    name=f"示范县第{i}号企业有限公司",
                    size=size,
                    declared_size=size if rng.random() < 0.9 else "small",
                    industry_code=rng.choice(INDUSTRIES) + str(rng.randint(10, 99)),
                    established_on=today - dt.timedelta(days=rng.randint(10, 365 * 25)),
                    region_code=rng.choice(REGIONS),
                    firm_type=rng.choice(["有限责任公司", "股份有限公司", "个人独资企业"]),
                )
            )
        Firm.objects.bulk_create(rows, batch_size=1000)
    ids = list(Firm.objects.values_list("pk", flat=True)[: max(1, n // 100)])
    subjects = CreditSubject.objects.bulk_create([CreditSubject(firm_id=i) for i in ids])
    DishonestListing.objects.bulk_create(
        [
            DishonestListing(subject=s, reason="拒不履行", listed_at="2026-01-01T00:00:00Z")
            for s in subjects
        ]
    )
    return {"firms": n, "dishonest": len(ids), "seconds": round(time.perf_counter() - started, 1)}


def make_subscribers(n: int) -> dict:
    from django.db import connection

    from yingshang.enterprises.models import Firm
    from yingshang.org.models import User
    from yingshang.policies.models import Subscription, Tag

    rng = random.Random(2022)
    started = time.perf_counter()
    tags = {f"{t.kind}:{t.code}": t.pk for t in Tag.objects.all()}
    choices = [
        "industry:C",
        "industry:F",
        "industry:G",
        "size:small",
        "size:micro",
        "topic:funding",
        "topic:talent",
    ]
    firm_ids = list(Firm.objects.order_by("pk").values_list("pk", flat=True)[:n])
    for start in range(0, len(firm_ids), BATCH):
        part = firm_ids[start : start + BATCH]
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench_firm_{fid}",
                    password="!",
                    kind=User.Kind.FIRM,
                    firm_id=fid,
                    mobile=f"17{fid:09d}",
                )
                for fid in part
            ],
            batch_size=1000,
        )
        if connection.vendor == "sqlite":  # bulk_create returns no ids there
            users = list(User.objects.filter(username__in=[u.username for u in users]))
        subs = Subscription.objects.bulk_create(
            [Subscription(user_id=u.pk, by_sms=rng.random() < 0.1) for u in users],
            batch_size=1000,
        )
        if connection.vendor == "sqlite":
            subs = list(Subscription.objects.filter(user_id__in=[u.pk for u in users]))
        through = Subscription.tags.through
        links = []
        for s in subs:
            for key in rng.sample(choices, rng.randint(0, 2)):
                links.append(through(subscription_id=s.pk, tag_id=tags[key]))
        through.objects.bulk_create(links, batch_size=2000)
    return {"subscribers": len(firm_ids), "seconds": round(time.perf_counter() - started, 1)}


def make_policies():
    from yingshang import workflow
    from yingshang.org.models import Unit
    from yingshang.policies import services
    from yingshang.policies.models import Policy
    from yingshang.policies.services.calendar import week_of
    from yingshang.workcal import periods

    unit = Unit.objects.create(code="bench-fgj", name="示范县发展和改革局", kind="department")
    unit.path = f"/{unit.pk}/"
    unit.save(update_fields=["path"])
    today = periods.today()
    week = week_of(today)
    last_week = dt.datetime.combine(week, dt.time(9), tzinfo=dt.UTC) - dt.timedelta(days=3)
    tags = [["industry:C", "topic:funding"], ["industry:F"], ["topic:talent"], [], ["size:micro"]]
    items = []
    for n, tagset in enumerate(tags * 2):
        p = services.policy_create(
            actor=workflow.SYSTEM,
            owner_unit=unit.pk,
            tags=tagset,
            title=f"示范县惠企政策第{n + 1}号",
            issuer="示范县人民政府",
            issued_on=today - dt.timedelta(days=5),
            effective_on=today - dt.timedelta(days=5),
            summary="基准测试政策",
        )
        p = services.policy_publish(actor=workflow.SYSTEM, policy=p)
        Policy.objects.filter(pk=p.pk).update(published_at=last_week)
        for k, rule in enumerate(RULES[n * 2 : n * 2 + 2]):
            items.append(
                services.item_create(
                    actor=workflow.SYSTEM,
                    policy=p,
                    code=f"B-{n}-{k}",
                    title=f"兑现事项{n}-{k}",
                    rule=rule,
                    amount="5000",
                    budget="100000000",
                    opens_on=week - dt.timedelta(days=10),
                    closes_on=week + dt.timedelta(days=7 + n),
                    review_unit=unit.pk,
                )
            )
    return items, week


def run(env_factory) -> dict:
    with env_factory() as (_url, env, info):
        common.django_setup(env)
        from yingshang import workflow
        from yingshang.notify.models import Message
        from yingshang.policies.fixed_tags import ensure_tags
        from yingshang.policies.services import digest, entitled

        ensure_tags()
        made_firms = make_firms(common.volume(FIRMS))
        made_subs = make_subscribers(common.volume(SUBSCRIBERS))
        items, week = make_policies()
        common.log(f"made {made_firms} {made_subs}; evaluating {len(items)} rules …")

        per_rule = []
        started = time.perf_counter()
        for item in items:
            t0 = time.perf_counter()
            total, rows = entitled.matches(item, limit=200)
            per_rule.append(
                {
                    "rule": item.rule,
                    "entitled": total,
                    "listed": len(rows),
                    "s": round(time.perf_counter() - t0, 3),
                }
            )
        rules_s = time.perf_counter() - started

        common.log("queueing the weekly digest …")
        started = time.perf_counter()
        made = digest.digest_generate(actor=workflow.SYSTEM, week=week)
        digest_s = time.perf_counter() - started
        queued = Message.objects.filter(related_type="policies.digest").count()
        return {
            "database": info,
            "volume": {**made_firms, **made_subs},
            "rules": {
                "count": len(items),
                "seconds": round(rules_s, 2),
                "target_s": TARGET_RULES_S,
                "verdict": common.verdict(rules_s, TARGET_RULES_S, higher_is_better=False),
                "per_rule": per_rule,
            },
            "digest": {
                "subscribers_reached": made.subscribers,
                "messages": made.messages,
                "outbox_rows": queued,
                "seconds": round(digest_s, 2),
                "target_s": TARGET_DIGEST_S,
                "verdict": common.verdict(digest_s, TARGET_DIGEST_S, higher_is_better=False),
            },
        }


def main() -> int:
    sqlite = "--sqlite" in sys.argv
    result = run(common.sqlite_database if sqlite else (lambda: common.pg_database("policies")))
    result["engine"] = "sqlite" if sqlite else "postgresql"
    path = common.write_result(NAME + ("_sqlite" if sqlite else ""), result)
    r, d = result["rules"], result["digest"]
    print(
        f"policies: {r['count']} rules over {result['volume']['firms']} firms in {r['seconds']} s "
        f"(target < {TARGET_RULES_S} s) {r['verdict']}; digest for {result['volume']['subscribers']} "
        f"subscribers: {d['messages']} messages in {d['seconds']} s (target < {TARGET_DIGEST_S} s) "
        f"{d['verdict']} → {path}"
    )
    return 0 if r["verdict"] == d["verdict"] == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
