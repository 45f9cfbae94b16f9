"""Periodic jobs of cases: deemed acceptance, 容缺 deadline breaches, 告知承诺 verification
deadlines; clock handlers send reminders and 催办 through notify."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from yingshang import workflow
from yingshang.notify import services as notify
from yingshang.org.staff import staff_of
from yingshang.scheduler.registry import Periodic
from yingshang.workcal import clocks

log = logging.getLogger(__name__)


def run_deemed_acceptance(now=None) -> int:
    """Cases still `submitted` whose 5-working-day intake clock ran out are accepted from receipt."""
    from yingshang.cases.models import Case, Status
    from yingshang.cases.services import case_deem_accept

    now = now or timezone.now()
    done = 0
    for pk in Case.objects.filter(status=Status.SUBMITTED, due_at__lt=now).values_list(
        "pk", flat=True
    )[:1000]:
        try:
            case_deem_accept(actor=workflow.SYSTEM, case=pk, at=now)
            done += 1
        except Exception:  # one bad row must not stop the rest; it is retried next run
            log.exception("deemed acceptance failed for case %s", pk)
    return done


def run_deficit_breaches(now=None) -> int:
    """容缺 not supplied by the deadline ⇒ terminate and mark the commitment broken. A case whose
    every item was supplied in time and waits for the clerk's acceptance is not in breach."""
    from yingshang.cases.models import Case, Status
    from yingshang.cases.services import case_terminate
    from yingshang.cases.services.corrections import deficit_state

    now = now or timezone.now()
    done = 0
    qs = Case.objects.filter(
        deficit_open=True, deficit_due_at__lt=now, status__in=[Status.ACCEPTED, Status.IN_REVIEW]
    )
    for pk, items in qs.values_list("pk", "deficit_items")[:1000]:
        if all(deficit_state(i) in ("supplied", "accepted") for i in items or []):
            continue
        try:
            case_terminate(
                actor=workflow.SYSTEM, case=pk, reason="容缺材料逾期未补齐，终止办理", at=now
            )
            done += 1
        except Exception:
            log.exception("deficit termination failed for case %s", pk)
    return done


def run_verification_reminders(now=None) -> int:
    """告知承诺 checks past their deadline: 催办 to the checking unit (once a day at most)."""
    from yingshang.cases.models import Verification
    from yingshang.notify.models import Message

    now = now or timezone.now()
    sent = 0
    since = now - timezone.timedelta(days=1)
    for v in Verification.objects.filter(
        status=Verification.Status.PENDING, due_at__lt=now
    ).select_related("case")[:1000]:
        with transaction.atomic():
            if Message.objects.filter(
                related_type="cases.verification", related_id=str(v.pk), created_at__gte=since
            ).exists():
                continue
            notify.send_to(
                staff_of(v.unit_id),
                body=_("【催办】办件 %(no)s 的告知承诺核查（%(m)s）已超过核查期限，请尽快核查。")
                % {"no": v.case.number, "m": v.material_name},
                related=v,
            )
            sent += 1
    return sent


def run_appointment_slots() -> int:
    """Keep the next 10 working days of regular and off-hours slots open at every active intake
    window (出件窗口 take no appointments)."""
    from yingshang.cases.services import slots_ensure
    from yingshang.cases.services.appointments import PICKUP_WORD
    from yingshang.org.models import Window

    windows = Window.objects.filter(is_active=True).exclude(name__contains=PICKUP_WORD)
    return sum(slots_ensure(window=w, days=10) for w in windows)


def _on_case_clock(new_state: str, moved) -> None:
    from yingshang.cases.models import Case

    ids = [int(m.owner_id) for m in moved]
    Case.objects.filter(pk__in=ids).exclude(clock_state__in=["paused", "stopped"]).update(
        clock_state=new_state
    )
    word = _("即将到期（黄牌预警）") if new_state == "warning" else _("已逾期（红牌）")
    tag = _("提醒") if new_state == "warning" else _("催办")
    for case in Case.objects.filter(pk__in=ids).only("pk", "number", "unit_id", "status"):
        if case.status in ("accepted", "in_review"):
            notify.send_to(
                staff_of(case.unit_id),
                body=_("【%(tag)s】办件 %(no)s %(word)s。")
                % {"tag": tag, "no": case.number, "word": word},
                related=case,
            )


def _on_task_clock(new_state: str, moved) -> None:
    from yingshang.cases.models import ApprovalTask

    ids = [int(m.owner_id) for m in moved]
    ApprovalTask.objects.filter(pk__in=ids, status="pending").update(clock_state=new_state)
    word = _("即将到期（黄牌预警）") if new_state == "warning" else _("已逾期（红牌）")
    tag = _("提醒") if new_state == "warning" else _("催办")
    for t in ApprovalTask.objects.filter(pk__in=ids, status="pending").select_related("case"):
        notify.send_to(
            staff_of(t.unit_id),
            body=_("【%(tag)s】并联审批任务 %(no)s %(title)s %(word)s。")
            % {"tag": tag, "no": t.case.number, "title": t.title, "word": word},
            related=t,
        )


clocks.on_transition("cases.case", _on_case_clock)
clocks.on_transition("cases.approvaltask", _on_task_clock)


@task()
def deemed_acceptance() -> int:
    return run_deemed_acceptance()


@task()
def deficit_breaches() -> int:
    return run_deficit_breaches()


@task()
def verification_reminders() -> int:
    return run_verification_reminders()


@task()
def appointment_slots() -> int:
    return run_appointment_slots()


@task()
def stats_rollup() -> dict:
    from yingshang.cases import rollup

    return rollup.refresh()


PERIODIC = [
    Periodic("cases.stats_rollup", stats_rollup, seconds=60),
    Periodic("cases.deemed_acceptance", deemed_acceptance, seconds=600),
    Periodic("cases.deficit_breaches", deficit_breaches, seconds=600),
    Periodic("cases.verification_reminders", verification_reminders, seconds=3600),
    Periodic("cases.appointment_slots", appointment_slots, seconds=86400),
]
