"""The worker's RQ loop: when django-rq's rqworker exits because Redis went away (its status 1
for a redis ConnectionError), the worker starts it again instead of exiting; a burst run and a
normal stop still end the process."""

import pytest

from yingshang.scheduler.management.commands import worker


@pytest.fixture
def rqworker(monkeypatch):
    """call_command replaced by a script of outcomes: an exit status or None (returns)."""
    calls = []

    def install(*outcomes):
        script = list(outcomes)

        def call_command(name, *args):
            calls.append((name, *args))
            outcome = script.pop(0)
            if outcome is not None:
                raise SystemExit(outcome)

        monkeypatch.setattr(worker, "call_command", call_command)
        monkeypatch.setattr(worker, "RQ_RESTART_SECONDS", 0)
        return calls

    return install


def test_a_lost_redis_connection_starts_the_rq_worker_again(rqworker):
    calls = rqworker(1, 1, None)
    worker._run_rq(burst=False)
    assert len(calls) == 3
    assert all(c[0] == "rqworker" and "--with-scheduler" in c for c in calls)


def test_a_burst_run_ends_on_the_lost_connection(rqworker):
    calls = rqworker(1)
    with pytest.raises(SystemExit):
        worker._run_rq(burst=True)
    assert len(calls) == 1


def test_a_normal_exit_is_not_restarted(rqworker):
    calls = rqworker(0)
    with pytest.raises(SystemExit):
        worker._run_rq(burst=False)
    assert len(calls) == 1
