"""The rows the data migrations seed. A transactional test (every browser test) flushes every
table, so the next test on the same worker would find no calendar, no hotline limit rules, no
ledger categories, no credit publicity rules and no fixed policy tags: put them back. Every
function called here is idempotent (only missing rows are added)."""


def ensure_migration_rows() -> None:
    from yingshang.credit.defaults import ensure_defaults as credit_defaults
    from yingshang.hotline.limits import ensure_defaults as hotline_limits
    from yingshang.policies.fixed_tags import ensure_tags
    from yingshang.supervision.services import ensure_categories
    from yingshang.workcal import calendar
    from yingshang.workcal.seed import ensure_seeded

    ensure_seeded()
    hotline_limits()
    ensure_categories()
    credit_defaults()
    ensure_tags()
    calendar.invalidate()
