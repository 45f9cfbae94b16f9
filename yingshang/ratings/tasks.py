from django_tasks import task

from yingshang.ratings import ledger, services
from yingshang.scheduler.registry import Periodic


@task()
def invite_unrated() -> int:
    """智能邀评: invite the applicants of items completed N days ago without a rating."""
    return services.rating_invite_due()


@task()
def replay_ledger_intents() -> int:
    """Put "fixed by plan" rectifications on the supervision ledger when it became available."""
    return ledger.replay_pending()


@task()
def import_hotline_callbacks() -> int:
    """Ratings from the 12345 callback answers recorded by the hotline module."""
    return services.rating_import_hotline_callbacks()


PERIODIC = [
    Periodic("ratings.hotline_callbacks", import_hotline_callbacks, seconds=600),
    Periodic("ratings.invite", invite_unrated, seconds=3600),
    Periodic("ratings.ledger_replay", replay_ledger_intents, seconds=600),
]
