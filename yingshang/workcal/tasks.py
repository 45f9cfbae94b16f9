from django_tasks import task

from yingshang.scheduler.registry import Periodic
from yingshang.workcal import clocks


@task()
def sweep_clocks() -> dict:
    return clocks.sweep()


PERIODIC = [Periodic("workcal.sweep", sweep_clocks, seconds=60)]
