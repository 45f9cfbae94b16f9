"""Issue 21: the credit file on PostgreSQL.

1. The public 信用公示 page over 200,000 penalties in publicity (plus as many already ended):
   p95 < 300 ms per request for the first page, a deep page (keyset cursor), a name search, a
   USCC search and a search that finds nothing — sequential requests through Django's test client
   in this process (server time, with the query count).
2. The nightly publicity-expiry job (credit.publicity.expire: one set-based UPDATE) over
   1,000,000 penalties, about half past their maximum: < 30 s; then the no-op run.

Rows are generated in SQL (generate_series) over 2,000 firms. YS_BENCH_VOLUME=0.001 runs a
tiny smoke of the same script.
"""

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NAME = "credit"
PAGE_ROWS = 200_000
EXPIRY_ROWS = 1_000_000
P95_TARGET_MS = 300.0
EXPIRY_TARGET_S = 30.0
FIRMS = 2_000


def make_firms(n: int) -> list[int]:
    from yingshang.credit.models import CreditSubject
    from yingshang.enterprises.models import Firm
    from yingshang.testing.personas import valid_uscc

    firms = [
        Firm(uscc=valid_uscc(f"91139999MC{i:07d}"), name=f"示范县基准{i:05d}商贸有限公司")
        for i in range(n)
    ]
    Firm.objects.bulk_create(firms, batch_size=2000)
    subjects = [CreditSubject(firm=f) for f in Firm.objects.filter(uscc__startswith="91139999MC")]
    CreditSubject.objects.bulk_create(subjects, batch_size=2000)
    return list(CreditSubject.objects.values_list("pk", flat=True))


def insert_penalties(count: int, *, today: dt.date, public_share: float) -> dict:
    """`count` penalties in SQL: `public_share` of them decided within the last 1,000 days
    (public), the rest 1,100–2,000 days ago (past the 3-year maximum, still marked public: what
    the nightly job ends)."""
    from django.db import connection

    from yingshang.org.models import Unit

    unit = Unit.objects.order_by("pk").first()
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM credit_penalty")
        offset = cur.fetchone()[0]
        cur.execute(
            """
            WITH s AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM credit_creditsubject),
                 n AS (SELECT (SELECT count(*) FROM s) AS c)
            INSERT INTO credit_penalty (subject_id, subject_name, subject_code, decision_number,
                decided_on, types, unit_id, legal_basis, facts, content, public_text, severity,
                repair_from, public_until, status, recorded_at, void_reason)
            SELECT s.id, f.name, f.uscc, '基准罚〔' || (g + %s) || '〕号', d.day, '["fine"]'::jsonb, %s,
                   '基准测试', '', '', '基准测试数据', 'general',
                   d.day + interval '3 months', d.day + interval '36 months', 'public', now(), ''
            FROM generate_series(1::bigint, %s::bigint) AS g
            CROSS JOIN n
            JOIN s ON s.k = 1 + (g * 7919) %% n.c
            JOIN credit_creditsubject cs ON cs.id = s.id
            JOIN enterprises_firm f ON f.id = cs.firm_id
            CROSS JOIN LATERAL (SELECT (%s::date - (CASE WHEN (g %% 1000) < %s
                    THEN 1 + (g * 13) %% 1000 ELSE 1100 + (g * 17) %% 900 END)::int) AS day) d
            """,
            [offset, unit.pk, count, today, int(public_share * 1000)],
        )
        cur.execute("VACUUM ANALYZE credit_penalty")
        cur.execute(
            "SELECT count(*) FILTER (WHERE public_until <= %s), count(*) FROM credit_penalty",
            [today],
        )
        expired, total = cur.fetchone()
    return {
        "rows": total,
        "past_maximum": expired,
        "seconds": round(time.perf_counter() - started, 1),
    }


def page_times(n: int = 40) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from yingshang.credit import public

    client = Client(HTTP_HOST="127.0.0.1")
    # a cursor 500 pages deep
    cursor = ""
    for _ in range(500):
        _rows, more = public.penalties(cursor=cursor)
        if not more:
            break
        cursor = more
    from yingshang.enterprises.models import Firm

    firms = Firm.objects.filter(uscc__startswith="91139999MC").order_by("pk")
    firm = firms[min(42, firms.count() - 1)]
    cases = {
        "first_page": {},
        "deep_page": {"after": cursor},
        "name_search": {"q": firm.name[5:12]},
        "uscc_search": {"q": firm.uscc.lower()},  # typed in lower case: normalised
        "no_match": {"q": "不存在的企业"},
        "listings_tab": {"tab": "listings"},
    }
    out = {}
    for label, params in cases.items():
        client.get("/credit/public/", params)  # warm
        samples = []
        with CaptureQueriesContext(connection) as queries:
            for _ in range(n):
                started = time.perf_counter()
                response = client.get("/credit/public/", params)
                samples.append(time.perf_counter() - started)
        out[label] = {
            "status": response.status_code,
            "rows": response.content.decode().count('data-testid="public-row"'),
            "queries_per_request": round(len(queries.captured_queries) / n, 1),
            **common.summary_ms(samples),
        }
        out[label]["verdict"] = common.verdict(
            out[label]["p95_ms"], P95_TARGET_MS, higher_is_better=False
        )
    return out


def main() -> int:
    result = {
        "targets": {
            "public_page_p95_ms": f"< {P95_TARGET_MS} over {PAGE_ROWS:,} public penalties",
            "expiry_s": f"< {EXPIRY_TARGET_S} over {EXPIRY_ROWS:,} penalties",
        },
        "conditions_start": common.conditions(),
        "database": "postgresql",
    }
    try:
        with common.pg_database("credit") as (_url, env, info):
            result["migrate"] = info
            common.django_setup(env)
            from django.utils import timezone

            from yingshang import workflow
            from yingshang.credit import publicity
            from yingshang.testing.personas import make_personas

            make_personas()
            result["subjects"] = len(make_firms(min(FIRMS, common.volume(FIRMS))))
            today = timezone.localdate()
            # 1. the public page: PAGE_ROWS public + as many past their maximum and ended
            common.log("public page data …")
            result["page_load"] = insert_penalties(
                common.volume(PAGE_ROWS * 2), today=today, public_share=0.5
            )
            publicity.expire(actor=workflow.SYSTEM)
            result["public_page"] = page_times()
            # 2. the nightly job over EXPIRY_ROWS (the page rows count towards them)
            common.log("expiry data …")
            more = common.volume(EXPIRY_ROWS) - result["page_load"]["rows"]
            if more > 0:
                result["expiry_load"] = insert_penalties(more, today=today, public_share=0.5)
            started = time.perf_counter()
            ended = publicity.expire(actor=workflow.SYSTEM)
            elapsed = time.perf_counter() - started
            started = time.perf_counter()
            again = publicity.expire(actor=workflow.SYSTEM)
            result["expiry"] = {
                "ended": ended,
                "seconds": round(elapsed, 2),
                "noop_ended": again,
                "noop_seconds": round(time.perf_counter() - started, 4),
                "verdict": common.verdict(elapsed, EXPIRY_TARGET_S, higher_is_better=False),
            }
            result["summary"] = {
                "public_page_p95_ms": {k: v["p95_ms"] for k, v in result["public_page"].items()},
                "expiry_s": result["expiry"]["seconds"],
                "expiry_ended": ended,
                "volume": common.volume(1_000_000) / 1_000_000,
            }
            common.close_django_connections()
    except Exception as exc:
        result["error"] = f"{exc.__class__.__name__}: {exc}"
        common.write_result(NAME, result)
        raise
    common.write_result(NAME, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
