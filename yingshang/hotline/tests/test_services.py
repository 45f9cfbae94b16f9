import pytest

from yingshang.audit.models import AuditEvent, ReturnRecord
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.hotline import services
from yingshang.hotline.models import Extension, ReturnRequest, Supervision, WorkOrder
from yingshang.hotline.tests.conftest import at
from yingshang.notify.models import Message
from yingshang.org.roles import Role
from yingshang.workcal.models import Clock

pytestmark = pytest.mark.django_db
S = WorkOrder.Status


def actions(order):
    return list(
        AuditEvent.objects.filter(object_type="hotline.workorder", object_id=str(order.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_register_numbers_the_order_and_records_the_event(make_order, clock):
    order = make_order()
    assert order.number.startswith("GD20261123")
    assert order.status == S.REGISTERED
    assert actions(order) == ["hotline.register"]


def test_register_without_phone_and_not_anonymous_is_refused(make_order):
    with pytest.raises(InvalidInput) as exc:
        make_order(caller_phone="")
    assert exc.value.code == "HOTLINE_PHONE_REQUIRED"
    assert WorkOrder.objects.count() == 0


def test_city_order_is_idempotent_on_external_number(make_order):
    first = make_order(channel="city", external_number="SZ2026-001", source_system="city")
    again = make_order(channel="city", external_number="SZ2026-001", source_system="city")
    assert again.pk == first.pk and again.created is False
    assert WorkOrder.objects.count() == 1
    assert actions(first) == ["hotline.register"]


def test_dispatch_starts_sign_and_handle_clocks_from_workcal(make_order, personas, clock):
    order = services.workorder_dispatch(
        actor=personas.operator, order=make_order(), main_unit=personas.unit_a
    )
    assert order.status == S.AWAITING_SIGN
    assert order.sign_due_at == at(23, 12)  # 2 working hours from Monday 10:00
    assert (
        order.handle_due_at.date().isoformat() == "2026-12-10"
    )  # 13 working days from the day after
    assert order.due_at == order.sign_due_at
    assert actions(order)[-1] == "hotline.dispatch"
    assert Message.objects.filter(recipient=personas.handler_a, related_id=str(order.pk)).exists()


def test_urgent_order_is_due_the_same_day(make_order, personas, clock):
    order = services.workorder_dispatch(
        actor=personas.operator, order=make_order(urgency="urgent"), main_unit=personas.unit_a
    )
    assert order.handle_due_at.date() == at(23).date()


def test_consult_is_due_in_three_working_days(make_order, personas, clock):
    order = services.workorder_dispatch(
        actor=personas.operator, order=make_order(category="consult"), main_unit=personas.unit_a
    )
    assert order.handle_due_at.date().isoformat() == "2026-11-26"


def test_dispatch_by_a_handler_is_refused(make_order, personas):
    order = make_order()
    with pytest.raises(PermissionDeniedError):
        services.workorder_dispatch(
            actor=personas.handler_a, order=order, main_unit=personas.unit_a
        )
    order.refresh_from_db()
    assert order.status == S.REGISTERED and actions(order) == ["hotline.register"]


def test_sign_by_another_unit_is_refused(dispatched, personas):
    order = dispatched()
    with pytest.raises(PermissionDeniedError):
        services.workorder_sign(actor=personas.handler_b, order=order)
    order.refresh_from_db()
    assert order.status == S.AWAITING_SIGN


def test_sign_in_time_is_recorded_as_on_time(dispatched, personas, clock):
    order = dispatched()
    clock(at(23, 11))
    order = services.workorder_sign(actor=personas.handler_a, order=order)
    assert order.status == S.IN_PROGRESS and order.signed_on_time is True
    assert order.due_at == order.handle_due_at
    assert actions(order)[-1] == "hotline.sign"


def test_late_sign_is_recorded_as_late(dispatched, personas, clock):
    order = dispatched()
    clock(at(24, 15))
    order = services.workorder_sign(actor=personas.handler_a, order=order)
    assert order.signed_on_time is False


def test_return_before_signing_goes_back_to_the_centre_and_feeds_the_returns_report(
    dispatched, personas
):
    order = dispatched()
    ret = services.workorder_return(
        actor=personas.handler_a, order=order, reason="不属于本单位职责，应由住建局办理"
    )
    order.refresh_from_db()
    assert order.status == S.REGISTERED and order.main_unit is None and order.return_count == 1
    assert ret.ruling == ReturnRequest.Ruling.PENDING
    assert actions(order)[-1] == "hotline.return"
    assert ReturnRecord.objects.filter(object_id=str(order.pk), unit=personas.unit_a).count() == 1
    # the handling clock was not reset by the return
    assert Clock.objects.filter(owner_id=str(order.pk), purpose="handle").count() == 1


def test_return_after_signing_is_refused(in_progress, personas):
    order = in_progress()
    with pytest.raises(DomainError) as exc:
        services.workorder_return(actor=personas.handler_a, order=order, reason="不属于本单位职责")
    assert exc.value.code == "HOTLINE_RETURN_NOT_ALLOWED"
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS


def test_return_without_reason_is_refused(dispatched, personas):
    with pytest.raises(InvalidInput):
        services.workorder_return(actor=personas.handler_a, order=dispatched(), reason="")


def test_centre_rules_a_return_unjustified(dispatched, personas):
    order = dispatched()
    ret = services.workorder_return(
        actor=personas.handler_a, order=order, reason="不属于本单位职责"
    )
    ret = services.workorder_rule_return(
        actor=personas.operator, return_request=ret, justified=False, note="属于市场监管职责"
    )
    assert ret.ruling == ReturnRequest.Ruling.UNJUSTIFIED
    assert actions(order)[-1] == "hotline.rule_return"
    with pytest.raises(DomainError):
        services.workorder_rule_return(actor=personas.operator, return_request=ret, justified=True)


def test_handler_cannot_rule_a_return(dispatched, personas):
    ret = services.workorder_return(
        actor=personas.handler_a, order=dispatched(), reason="不属于本单位职责"
    )
    with pytest.raises(PermissionDeniedError):
        services.workorder_rule_return(actor=personas.handler_a, return_request=ret, justified=True)


def test_extension_approved_moves_the_deadline_and_tells_the_caller(in_progress, personas, clock):
    order = in_progress()
    old_due = order.handle_due_at
    ext = services.workorder_ask_extension(
        actor=personas.handler_a, order=order, days=5, reason="需要联合执法，时间较长"
    )
    assert actions(order)[-1] == "hotline.ask_extension"
    ext = services.workorder_decide_extension(
        actor=personas.operator, extension=ext, approve=True, note="同意"
    )
    order.refresh_from_db()
    assert ext.status == Extension.Status.APPROVED
    assert order.handle_due_at > old_due and order.due_at == order.handle_due_at
    assert order.handle_due_at.date().isoformat() == "2026-12-17"
    sms = Message.objects.get(channel="sms", address="13812345678")
    assert "2026-12-17" in sms.body
    assert actions(order)[-1] == "hotline.approve_extension"


def test_extension_denied_keeps_the_deadline(in_progress, personas):
    order = in_progress()
    ext = services.workorder_ask_extension(
        actor=personas.handler_a, order=order, days=3, reason="需要时间"
    )
    services.workorder_decide_extension(
        actor=personas.operator, extension=ext, approve=False, note="理由不充分"
    )
    order2 = WorkOrder.objects.get(pk=order.pk)
    assert order2.handle_due_at == order.handle_due_at
    assert actions(order)[-1] == "hotline.deny_extension"
    assert not Message.objects.filter(channel="sms").exists()


def test_extension_asked_after_the_deadline_is_refused(in_progress, personas, clock):
    order = in_progress(category="consult")
    clock(at(27, 10))  # consult due Thursday 26th
    with pytest.raises(DomainError) as exc:
        services.workorder_ask_extension(
            actor=personas.handler_a, order=order, days=2, reason="来不及"
        )
    assert exc.value.code == "HOTLINE_EXTENSION_AFTER_DEADLINE"
    assert not Extension.objects.exists()
    assert "hotline.ask_extension" not in actions(order)


def test_extension_cannot_be_decided_by_the_unit(in_progress, personas):
    order = in_progress()
    ext = services.workorder_ask_extension(
        actor=personas.handler_a, order=order, days=3, reason="需要时间"
    )
    with pytest.raises(PermissionDeniedError):
        services.workorder_decide_extension(actor=personas.handler_a, extension=ext, approve=True)


def test_reply_then_centre_sends_back(in_progress, personas):
    order = in_progress()
    order = services.workorder_reply(
        actor=personas.handler_a, order=order, text="已处理完毕，责令整改。"
    )
    assert order.status == S.AWAITING_REVIEW and order.replied_on_time is True
    order = services.workorder_review_reply(
        actor=personas.operator, order=order, approve=False, note="答复过于简单"
    )
    assert order.status == S.IN_PROGRESS
    assert actions(order)[-2:] == ["hotline.reply", "hotline.send_back"]


def test_the_handler_is_who_signed_and_then_who_replied(in_progress, personas):
    """A work order's rating counts for its handler: the signer, then whoever gave the reply."""
    from yingshang.testing.personas import _user

    order = in_progress()
    assert order.handler == personas.handler_a
    colleague = _user("handler_a2", "市场监管经办二", role=Role.DEPT_HANDLER, unit=order.main_unit)
    order = services.workorder_reply(actor=colleague, order=order, text="已处理完毕，责令整改。")
    order.refresh_from_db()
    assert order.handler == colleague


def test_send_back_needs_a_reason(in_progress, personas):
    order = services.workorder_reply(
        actor=personas.handler_a, order=in_progress(), text="已处理完毕，责令整改。"
    )
    with pytest.raises(InvalidInput):
        services.workorder_review_reply(
            actor=personas.operator, order=order, approve=False, note=""
        )


def test_reply_by_the_centre_is_refused(in_progress, personas):
    with pytest.raises(PermissionDeniedError):
        services.workorder_reply(
            actor=personas.operator, order=in_progress(), text="代为答复内容内容"
        )


def test_approved_reply_starts_a_one_day_callback_clock(in_progress, personas, clock):
    order = services.workorder_reply(
        actor=personas.handler_a, order=in_progress(), text="已处理完毕，责令整改。"
    )
    order = services.workorder_review_reply(actor=personas.operator, order=order, approve=True)
    assert order.status == S.AWAITING_CALLBACK
    assert order.due_at.date().isoformat() == "2026-11-24"
    assert Clock.objects.get(owner_id=str(order.pk), purpose="handle").state == Clock.State.STOPPED


def test_callback_answers_are_recorded_one_click_each(awaiting_callback, personas):
    order = awaiting_callback()
    order = services.workorder_callback(actor=personas.operator, order=order, resolved=True)
    assert WorkOrder.objects.get(pk=order.pk).resolved is True
    order = services.workorder_callback(actor=personas.operator, order=order, satisfied=False)
    assert WorkOrder.objects.get(pk=order.pk).satisfied is False
    assert actions(order)[-2:] == ["hotline.callback", "hotline.callback"]


def test_redo_loop_returns_to_in_progress_and_counts(awaiting_callback, personas):
    order = awaiting_callback()
    services.workorder_callback(actor=personas.operator, order=order, satisfied=False)
    order = services.workorder_redo(actor=personas.operator, order=order, reason="商户仍未整改")
    assert order.status == S.IN_PROGRESS and order.redo_count == 1 and order.satisfied is None
    order = services.workorder_reply(
        actor=personas.handler_a, order=order, text="再次检查，已完成整改。"
    )
    order = services.workorder_review_reply(actor=personas.operator, order=order, approve=True)
    services.workorder_callback(actor=personas.operator, order=order, resolved=True, satisfied=True)
    order = services.workorder_close(actor=personas.operator, order=order)
    assert order.status == S.CLOSED and order.redo_count == 1
    assert actions(order).count("hotline.reply") == 2
    assert actions(order)[-1] == "hotline.close"


def test_redo_when_caller_satisfied_is_refused(awaiting_callback, personas):
    order = awaiting_callback()
    services.workorder_callback(actor=personas.operator, order=order, satisfied=True, resolved=True)
    with pytest.raises(DomainError) as exc:
        services.workorder_redo(actor=personas.operator, order=order, reason="想重办")
    assert exc.value.code == "HOTLINE_REDO_NEEDS_UNSATISFIED"


def test_close_before_callback_is_refused(awaiting_callback, personas, in_progress):
    order = awaiting_callback()
    with pytest.raises(DomainError) as exc:
        services.workorder_close(actor=personas.operator, order=order)
    assert exc.value.code == "HOTLINE_CLOSE_NEEDS_CALLBACK"
    other = in_progress()
    with pytest.raises(DomainError) as exc:
        services.workorder_close(actor=personas.operator, order=other, note="x")
    assert exc.value.code == "HOTLINE_CLOSE_NOT_ALLOWED"


def test_answer_directly_closes_and_cites_the_article(make_order, personas):
    from yingshang.knowledge.services import article_create

    article = article_create(
        actor=personas.operator,
        title="营业执照网上办理",
        body="营业执照可在政务服务网全程网办。",
        publish=True,
    )
    order = services.workorder_answer_directly(
        actor=personas.operator,
        order=make_order(category="consult"),
        reply="营业执照可在政务服务网全程网办。",
        article_id=article.pk,
    )
    assert (
        order.status == S.CLOSED
        and order.close_kind == "direct"
        and order.knowledge_article == article
    )
    assert actions(order)[-1] == "hotline.answer_directly"


def test_answer_directly_citing_an_unpublished_article_is_refused(make_order, personas):
    from yingshang.knowledge.services import article_create

    draft = article_create(actor=personas.operator, title="草稿", body="尚未发布的口径内容。")
    order = make_order(category="consult")
    with pytest.raises(DomainError) as exc:
        services.workorder_answer_directly(
            actor=personas.operator, order=order, reply="答复内容", article_id=draft.pk
        )
    assert exc.value.code == "KNOWLEDGE_NOT_CITABLE"
    order.refresh_from_db()
    assert order.status == S.REGISTERED


def test_answer_directly_after_dispatch_is_refused(dispatched, personas):
    with pytest.raises(DomainError):
        services.workorder_answer_directly(
            actor=personas.operator, order=dispatched(), reply="直接答复"
        )


def test_merge_closes_the_duplicate_without_deleting_it(make_order, personas):
    first = make_order()
    dup = make_order()
    dup = services.workorder_merge(
        actor=personas.operator, order=dup, into=first, reason="同一诉求重复来电"
    )
    assert dup.status == S.CLOSED and dup.close_kind == "merged" and dup.merged_into_id == first.pk
    assert WorkOrder.objects.count() == 2
    assert actions(dup)[-1] == "hotline.merge" and actions(first)[-1] == "hotline.merged_in"


def test_reclassify_keeps_history(make_order, personas, topic):
    order = services.workorder_reclassify(
        actor=personas.operator,
        order=make_order(),
        category="report",
        topic=topic,
        reason="实为举报",
    )
    assert order.category == "report"
    assert order.reclassifications.get().old_category == "complaint"
    assert actions(order)[-1] == "hotline.reclassify"


def test_supervise_and_urge_attach_to_open_orders_only(in_progress, personas, make_order):
    order = in_progress()
    rec = services.workorder_supervise(
        actor=personas.supervisor, order=order, kind="supervise", note="请加快办理"
    )
    assert rec.kind == "supervise" and actions(order)[-1] == "hotline.supervise"
    assert Message.objects.filter(
        recipient=personas.handler_a, body__contains="请加快办理"
    ).exists()
    closed = services.workorder_answer_directly(
        actor=personas.operator, order=make_order(), reply="已答复内容"
    )
    with pytest.raises(DomainError):
        services.workorder_supervise(
            actor=personas.supervisor, order=closed, kind="urge", note="催一下"
        )


def test_overdue_sweep_issues_the_urge_notice_next_working_day_once(in_progress, personas, clock):
    order = in_progress(category="consult")  # due end of Thursday 26 Nov
    clock(at(26, 16))
    assert services.workorder_issue_overdue_notices() == 0
    clock(at(27, 9, 30))  # Friday, the next working day
    assert services.workorder_issue_overdue_notices() == 1
    assert services.workorder_issue_overdue_notices() == 0
    clock(at(27, 15))
    assert services.workorder_issue_overdue_notices() == 0
    assert Supervision.objects.filter(order=order, kind="overdue").count() == 1
    assert actions(order).count("hotline.overdue_notice") == 1
    assert (
        Message.objects.filter(recipient=personas.handler_a, body__contains="超过办理时限").count()
        == 1
    )


def test_portal_rating_counts_as_the_callback_answer(awaiting_callback):
    order = services.workorder_portal_rate(order=awaiting_callback(), satisfied=True)
    assert order.portal_rating is True and order.satisfied is True
    with pytest.raises(DomainError):
        services.workorder_portal_rate(order=order, satisfied=False)
    assert actions(order)[-1] == "hotline.portal_rate"


def test_city_order_reports_reply_back_through_the_outbox(personas, make_order):
    from yingshang.hotline.city import deliver_due
    from yingshang.hotline.models import CityReport

    order = make_order(channel="city", external_number="SZ-9", source_system="city")
    order = services.workorder_dispatch(
        actor=personas.operator, order=order, main_unit=personas.unit_a
    )
    order = services.workorder_sign(actor=personas.handler_a, order=order)
    order = services.workorder_reply(
        actor=personas.handler_a, order=order, text="已处理完毕，责令整改。"
    )
    services.workorder_review_reply(actor=personas.operator, order=order, approve=True)
    events = list(CityReport.objects.filter(order=order).values_list("event", flat=True))
    assert events == ["dispatched", "signed", "replied"]
    assert CityReport.objects.get(event="replied").payload["external_number"] == "SZ-9"
    assert deliver_due() == {"sent": 3, "failed": 0}
    assert not CityReport.objects.filter(status="pending").exists()


def test_clock_sweep_after_midnight_issues_the_notice_once_with_the_periodic_task(
    in_progress, personas, clock
):
    from yingshang.workcal import clocks

    order = in_progress(category="consult")  # due end of Thursday 26 Nov
    clock(at(27, 0, 5))  # the sweep runs just after midnight; Friday is a working day
    clocks.sweep()
    assert Supervision.objects.filter(order=order, kind="overdue").count() == 1
    clock(at(27, 9, 0))
    assert services.workorder_issue_overdue_notices() == 0
    assert actions(order).count("hotline.overdue_notice") == 1


def test_overdue_on_friday_is_noticed_on_monday_not_at_the_weekend(in_progress, personas, clock):
    from yingshang.workcal import clocks

    clock(at(24, 10))  # Tuesday: a consult is due at the end of Friday 27 Nov
    order = in_progress(category="consult")
    assert order.handle_due_at.date().isoformat() == "2026-11-27"
    clock(
        at(28, 0, 5)
    )  # Saturday just after midnight: the clock goes overdue, no notice on a rest day
    clocks.sweep()
    assert services.workorder_issue_overdue_notices() == 0
    assert not Supervision.objects.filter(order=order).exists()
    clock(at(30, 9))  # Monday
    assert services.workorder_issue_overdue_notices() == 1
    assert services.workorder_issue_overdue_notices() == 0


@pytest.mark.parametrize(
    "action", ["callback", "redo", "close", "merge", "reclassify", "supervise", "approve_reply"]
)
def test_centre_actions_by_the_handling_unit_are_refused_without_an_event(
    action, awaiting_callback, make_order, personas, topic
):
    order = awaiting_callback()
    before = actions(order)
    h = personas.handler_a
    calls = {
        "callback": lambda: services.workorder_callback(actor=h, order=order, satisfied=True),
        "redo": lambda: services.workorder_redo(actor=h, order=order, reason="自己要求重办"),
        "close": lambda: services.workorder_close(actor=h, order=order, note="自行办结"),
        "merge": lambda: services.workorder_merge(
            actor=h, order=order, into=make_order(), reason="重复"
        ),
        "reclassify": lambda: services.workorder_reclassify(
            actor=h, order=order, category="report", topic=topic, reason="改"
        ),
        "supervise": lambda: services.workorder_supervise(
            actor=h, order=order, kind="supervise", note="督办"
        ),
        "approve_reply": lambda: services.workorder_review_reply(
            actor=h, order=order, approve=True
        ),
    }
    with pytest.raises(DomainError):
        calls[action]()
    order.refresh_from_db()
    assert order.status == S.AWAITING_CALLBACK and actions(order) == before
