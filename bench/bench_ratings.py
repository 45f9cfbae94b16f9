"""Issue 6 (ratings):
- rating submission (POST /api/v1/ratings/ratings) on PostgreSQL, 2 gunicorn workers: ≥ 300
  requests/s, p99 < 150 ms, no errors;
- statistics for one month across all units (yingshang.ratings.selectors.stats, group "unit",
  as the statistics page computes it for a countywide viewer) over 1M ratings: < 2 s.

Volume: `yingshang demo`; the ratings generator (yingshang/ratings/demo.py generate) for
1,000,000 on-site ratings over the last 12 months (its time is reported); the hotline generator
for 20,000 work orders, whose closed ones are rated in the load run: each request is the 12345
callback rating (channel hotline_callback) of a different closed work order by the operator,
with its own Idempotency-Key (one rating per order: the same order twice would be refused).

All load comes from 127.0.0.1, so the per-IP limit of the public rating endpoints
(RatingSettings.public_per_ip_per_minute, default 20) is raised for the run in the benchmark
database; the limit's cache counting still runs on every request.
"""

import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NAME = "ratings"
DURATION = 20
TARGET_RPS = 300
TARGET_P99 = 150
TARGET_STATS_S = 2.0
RATINGS = 1_000_000
ORDERS = 20_000


def main() -> int:
    result = {
        "targets": {
            "submit_rps": f">= {TARGET_RPS}",
            "submit_p99_ms": f"< {TARGET_P99}",
            "stats_month_s": f"< {TARGET_STATS_S}",
            "ratings": RATINGS,
        },
        "conditions_start": common.conditions(),
        "database": "postgresql",
        "gunicorn_workers": 2,
        "notes": [
            "per-IP rate limit of the rating endpoints raised in the benchmark database (all load from 127.0.0.1)"
        ],
    }
    try:
        missing = common.missing_modules(
            "yingshang.demo.loaders.ratings", "yingshang.ratings.selectors", "yingshang.ratings.api"
        )
        if missing:
            common.not_available(NAME, f"not in the code under test: {', '.join(missing)}")
            return 0
        with common.pg_database("ratings") as (_url, env, info):
            result["migrate"] = info
            demo = common.manage(["demo", "--quiet"], env)
            if demo.returncode != 0:
                raise RuntimeError(f"yingshang demo failed:\n{demo.stderr[-3000:]}")
            common.django_setup(env)
            from django.utils import timezone

            from yingshang.demo.loaders import hotline as hotline_demo
            from yingshang.demo.loaders import ratings as ratings_demo
            from yingshang.demo.registry import DemoContext, Scale
            from yingshang.hotline.models import WorkOrder
            from yingshang.org.models import User
            from yingshang.ratings import selectors
            from yingshang.ratings.models import Rating, RatingSettings

            n = common.volume(RATINGS)
            common.log(f"ratings generator: {n:,} ratings …")
            started = time.perf_counter()
            made = ratings_demo.generate(DemoContext(), Scale("bench", n / 300_000))
            result["generator"] = {"made": made, "seconds": round(time.perf_counter() - started, 1)}
            common.log(f"hotline generator: {ORDERS:,} orders …")
            hotline_demo.generate(DemoContext(), Scale("bench", ORDERS / 150_000))
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {Rating._meta.db_table}")
            total = Rating.objects.count()

            leader = User.objects.get(username="leader")
            today = timezone.localdate()
            end = today.replace(day=1) - dt.timedelta(days=1)
            start = end.replace(day=1)
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                rows = selectors.stats(leader, group="unit", start=start, end=end)
                runs.append(time.perf_counter() - t)
            in_month = Rating.objects.filter(
                created_at__date__gte=start, created_at__date__lte=end
            ).count()
            result["stats"] = {
                "month": f"{start:%Y-%m}",
                "ratings_in_month": in_month,
                "units": len(rows),
                "seconds_each": [round(x, 3) for x in runs],
                "seconds_median": round(statistics.median(runs), 3),
            }

            limits = RatingSettings.current()
            limits.public_per_ip_per_minute = 1_000_000
            limits.save()
            ids = list(
                WorkOrder.objects.filter(status="closed", main_unit__isnull=False)
                .exclude(ratings__isnull=False)
                .order_by("id")
                .values_list("id", flat=True)
            )
            token = common.bearer_token("operator")
            api_session = common.session_api_headers("operator")
            common.close_django_connections()
            body = json.dumps(
                {
                    "object": "work_order",
                    "id": "{id}",
                    "level": 5,
                    "channel": "hotline_callback",
                    "comment": "回访：问题已解决，表示满意",
                },
                ensure_ascii=False,
            ).replace('"{id}"', "{id}")
            with common.gunicorn(env, workers=2) as server:
                run = common.load_run(
                    server,
                    "/api/v1/ratings/ratings",
                    label="POST /api/v1/ratings/ratings",
                    method="POST",
                    body=body,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                    unique_key_header="Idempotency-Key",
                    expect_status=201,
                    fallback_headers=api_session,
                    duration=DURATION,
                    connections=common.WRITE_CONNECTIONS,
                    p99_ms=TARGET_P99,
                    min_rps=TARGET_RPS,
                    ids=ids,
                )
            result["runs"] = {"submit_api": run}
            result["summary"] = {
                "existing_ratings": total,
                "submit_api": common.run_row(run),
                "stats_month": {
                    "seconds_median": result["stats"]["seconds_median"],
                    "ratings_in_month": in_month,
                    "target": f"< {TARGET_STATS_S} s",
                    "verdict": common.verdict(
                        result["stats"]["seconds_median"], TARGET_STATS_S, higher_is_better=False
                    ),
                },
                "generator": result["generator"],
            }
            if run["requests"] > run.get("ids_available", 0):
                result["notes"].append(
                    "more requests than unrated closed orders: repeats were refused (counted as errors)"
                )
    except Exception as exc:
        result["error"] = f"{exc.__class__.__name__}: {exc}"
        common.write_result(NAME, result)
        raise
    common.write_result(NAME, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
