from django_tasks import task

from yingshang.scheduler.registry import Periodic


@task()
def measure_due() -> dict:
    from yingshang.indicators.services import measuring

    return measuring.measure_due()


# measured leaves follow their records through the day; the task clocks are swept by workcal
PERIODIC = [Periodic("indicators.measure", measure_due, seconds=3600)]
