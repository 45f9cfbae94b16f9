"""The Monday job: open this week's reviews and send this week's digest. It runs hourly and does
each at most once per week (a review per policy and week, a digest per week, both unique), so
the first run of a week — Monday just after midnight when the worker is up — does the work and
a worker that was down on Monday catches up at its next run."""

from django_tasks import task

from yingshang.scheduler.registry import Periodic


@task()
def weekly() -> dict:
    from yingshang import workflow
    from yingshang.policies.services import calendar, digest
    from yingshang.workcal import periods

    week = calendar.week_of(periods.today())
    opened = calendar.reviews_open(week=week)
    made = digest.digest_generate(actor=workflow.SYSTEM, week=week)
    return {"week": week.isoformat(), "reviews": opened, "messages": made.messages}


PERIODIC = [Periodic("policies.weekly", weekly, seconds=3600)]
