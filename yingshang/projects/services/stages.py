"""Projects and their stages: registration, stage submission (a cases package case: one form,
one set of materials, the member matters approved in parallel), returns for correction, the
lead unit's approval (licences entered once), joint acceptance at completion. Each service
reads top to bottom on the workflow kit; the cases services do the case's own moves."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit, workflow
from yingshang.cases import services as cases
from yingshang.cases.models import ApprovalTask, Decision
from yingshang.cases.services.common import PURPOSE_TASK
from yingshang.enterprises.selectors import firm_by_uscc
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.projects.models import (
    STAGE_MARKS,
    Project,
    ProjectLicence,
    ProjectStage,
    ProjectType,
    StageReturn,
    validate_code,
)
from yingshang.projects.services.common import (
    PURPOSE_STAGE,
    days_used,
    licence_pdf,
    notify_owner,
    project_clock_finish,
    project_clock_hold,
    project_clock_run,
    stage_clock,
)
from yingshang.projects.transitions import STAGE
from yingshang.workcal import clocks


def _decimal(value, field: str, label: str, *, positive: bool) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or number < 0 or (positive and number == 0):
        raise InvalidInput(
            "PROJECT_NUMBER_INVALID",
            _("“%(label)s”应为%(kind)s数字")
            % {"label": label, "kind": _("正") if positive else _("非负")},
            details={"field": field},
        )
    return number


def project_create(
    *,
    actor,
    code: str,
    name: str,
    uscc: str,
    project_type: ProjectType,
    location: str,
    investment,
    area,
    assessments=(),
    at=None,
) -> Project:
    """A firm registers its project (投资项目代码 from the national online platform) with its
    stages laid out from the project type's definitions."""
    workflow.require_actor(actor)
    at = at or timezone.now()
    try:
        code = validate_code(code)
    except ValidationError as exc:
        raise InvalidInput(exc.code, exc.messages[0], details={"field": "code"}) from None
    name = (name or "").strip()
    location = (location or "").strip()
    if not name:
        raise InvalidInput("PROJECT_NAME_REQUIRED", _("请填写项目名称"), details={"field": "name"})
    if not location:
        raise InvalidInput(
            "PROJECT_LOCATION_REQUIRED", _("请填写建设地点"), details={"field": "location"}
        )
    investment = _decimal(investment, "investment", _("总投资（万元）"), positive=True)
    area = _decimal(area, "area", _("建筑面积（平方米）"), positive=False)
    firm = firm_by_uscc(uscc, field="uscc")
    if firm is None:
        raise InvalidInput(
            "PROJECT_FIRM_UNKNOWN",
            _(
                "统一社会信用代码 %(code)s 未在企业档案中登记，请核对建设单位，或先到政务服务中心登记企业信息"
            )
            % {"code": (uscc or "").strip()},
            details={"field": "uscc"},
        )
    if actor.kind != "firm" or actor.firm_id != firm.pk:
        raise PermissionDeniedError(
            "PROJECT_NOT_OWNER", _("只能以本企业账号登记本企业（建设单位）的项目")
        )
    if project_type is None or not project_type.is_active:
        raise InvalidInput(
            "PROJECT_TYPE_INVALID", _("请选择项目类型"), details={"field": "project_type"}
        )
    definitions = list(project_type.stages.select_related("package", "matter").order_by("order"))
    if [d.order for d in definitions] != list(range(1, len(definitions) + 1)):
        raise DomainError(
            "PROJECT_TYPE_INCOMPLETE", _("该项目类型的审批阶段尚未配置完整，请联系审批局")
        )
    with transaction.atomic():
        if Project.objects.filter(code=code).exists():
            raise InvalidInput(
                "PROJECT_CODE_TAKEN",
                _("投资项目代码 %(code)s 已登记，请勿重复登记") % {"code": code},
                details={"field": "code"},
            )
        project = Project.objects.create(
            code=code,
            name=name,
            firm=firm,
            owner=actor,
            project_type=project_type,
            location=location,
            investment=investment,
            area=area,
            total_limit_days=project_type.total_limit_days,
        )
        project.assessments.set([a for a in assessments if a.is_active])
        ProjectStage.objects.bulk_create(
            ProjectStage(
                project=project,
                definition=d,
                order=d.order,
                lead_unit_id=d.lead_unit_id,
                limit_days=d.limit_days,
            )
            for d in definitions
        )
        workflow.record(
            actor,
            "project.create",
            project,
            after={
                "code": code,
                "name": name,
                "firm": firm.pk,
                "project_type": project_type.pk,
                "total_limit_days": project.total_limit_days,
            },
        )
    return project


def _target(definition) -> dict:
    """What the stage's case is for: the package (parallel tasks) or the one joint matter."""
    if definition.package_id:
        return {"package": definition.package}
    return {"version": definition.matter.current_version}


def reuse_plan(stage: ProjectStage) -> dict:
    """What the owner need not supply for this stage: licences of earlier stages (by key) and
    materials waived by the project's 区域评估 results."""
    from yingshang.cases import selectors as case_selectors

    target = _target(stage.definition)
    material_keys = {m["key"] for m in case_selectors.materials_for(**target)}
    field_keys = {f["key"] for f in case_selectors.form_fields_for(**target)}
    licences = {
        lic.key: lic
        for lic in ProjectLicence.objects.filter(
            project_id=stage.project_id, stage__order__lt=stage.order
        )
    }
    waived: dict[str, str] = {}
    for assessment in stage.project.assessments.filter(is_active=True):
        for key in stage.definition.waivers.get(assessment.code, []):
            if key in material_keys:
                waived.setdefault(key, assessment.name)
    return {
        "fields": {k: lic for k, lic in licences.items() if k in field_keys},
        "materials": {k: lic for k, lic in licences.items() if k in material_keys},
        "waived": waived,
    }


def _check_order(stage: ProjectStage) -> None:
    if stage.project.status != Project.Status.IN_PROGRESS:
        raise DomainError(
            "PROJECT_NOT_IN_PROGRESS",
            _("该项目已%(s)s，不能再申报") % {"s": stage.project.get_status_display()},
        )
    earlier = (
        ProjectStage.objects.filter(project_id=stage.project_id, order__lt=stage.order)
        .exclude(status=ProjectStage.Status.APPROVED)
        .select_related("definition")
        .order_by("order")
        .first()
    )
    if earlier is not None:
        raise DomainError(
            "PROJECT_STAGE_OUT_OF_ORDER",
            _(
                "第%(prev)s阶段“%(prev_name)s”尚未办结，不能申报第%(this)s阶段“%(this_name)s”。工程建设项目按①立项用地规划许可、②工程建设许可、③施工许可、④竣工验收的顺序审批。"
            )
            % {
                "prev": STAGE_MARKS[earlier.order],
                "prev_name": earlier.definition.name,
                "this": STAGE_MARKS[stage.order],
                "this_name": stage.definition.name,
            },
            details={"stage": stage.order, "blocking_stage": earlier.order},
        )


def stage_submit(
    *, actor, stage, form_data: dict | None = None, files: dict | None = None, at=None
) -> ProjectStage:
    """一张表单、一套材料: the owner submits the stage; licences of earlier stages and materials
    waived by 区域评估 are filled in by the system. The stage clock starts and the project's
    government time runs."""
    at = at or timezone.now()
    with transaction.atomic():
        stage = workflow.acquire(
            actor,
            ProjectStage,
            stage,
            action="submit",
            table=STAGE,
            queryset=ProjectStage.objects.select_related(
                "definition__package", "definition__matter", "project"
            ),
        )
        _check_order(stage)
        project = Project.objects.select_for_update().get(pk=stage.project_id)
        plan = reuse_plan(stage)
        data = dict(form_data or {})
        data.update({k: lic.number for k, lic in plan["fields"].items()})
        attached = dict(files or {})
        for key, lic in plan["materials"].items():
            attached[key] = [licence_pdf(key, lic.number, project.code)]
        for key in plan["waived"]:
            attached.setdefault(key, [licence_pdf(key, "regional-assessment", project.code)])
        before = workflow.snapshot(stage, "status")
        case = cases.case_submit(
            actor=actor,
            package=stage.definition.package,
            matter=stage.definition.matter,
            form_data=data,
            files=attached,
            channel="online",
            at=at,
        )
        if stage.case_id:  # submitted again after 不予许可: the refused case stays linked
            stage.earlier_cases.add(stage.case_id)
        stage.case = case
        stage.status = STAGE.target("submit", stage.status)
        stage.submitted_at = at
        stage.waived = sorted(plan["waived"])
        stage.reused = sorted(set(plan["fields"]) | set(plan["materials"]))
        stage.mirror(
            clocks.clock_start(
                owner=stage,
                purpose=PURPOSE_STAGE,
                amount=stage.limit_days,
                unit="working_days",
                started_at=at,
            )
        )
        stage.save()
        project_clock_run(project, at)
        project.current_stage = stage.order
        project.save(update_fields=["current_stage", "due_at", "clock_state"])
        workflow.record(
            actor,
            "project.stage_submit",
            stage,
            before=before,
            after={
                "status": stage.status,
                "case": case.number,
                "reused": stage.reused,
                "waived": stage.waived,
                "due_at": stage.due_at,
            },
        )
    return stage


def _task_clocks(case_id: int, *, pause: bool, at) -> None:
    """The member units wait for the owner too: their task clocks stop counting (and run again
    when the owner answers), so no unit is late for the owner's time."""
    for task in ApprovalTask.objects.select_for_update().filter(
        case_id=case_id, status=ApprovalTask.Status.PENDING
    ):
        clock = clocks.clock_open(task, PURPOSE_TASK)
        if clock is None:
            continue
        clock = (
            clocks.clock_pause(clock=clock, kind="correction", at=at, reason="工程建设项目退回补正")
            if pause
            else clocks.clock_resume(clock=clock, at=at)
        )
        task.mirror(clock)
        task.save(update_fields=["due_at", "clock_state"])


def stage_return(*, actor, stage, task, items: list[str], note: str = "", at=None) -> StageReturn:
    """A member unit returns the stage to the owner (one notice listing every item): the stage,
    project and task clocks pause; the return feeds the suspicious-returns report."""
    at = at or timezone.now()
    items = [i.strip() for i in items or [] if i and i.strip()]
    if not items:
        raise InvalidInput(
            "CORRECTION_ITEMS_REQUIRED",
            _("请一次性列明需要补正的全部材料或事项"),
            details={"field": "items"},
        )
    with transaction.atomic():
        stage = workflow.acquire(actor, ProjectStage, stage, action="return", table=STAGE)
        task = (
            ApprovalTask.objects.select_for_update()
            .filter(pk=getattr(task, "pk", task), case_id=stage.case_id)
            .first()
        )
        from yingshang.org.scope import grants

        if (
            task is None
            or task.status != ApprovalTask.Status.PENDING
            or task.unit_id not in grants(actor).units("dept_handler", "dept_head")
        ):
            raise DomainError("STAGE_TASK_INVALID", _("只能退回本单位待办的并联审批任务"))
        project = Project.objects.select_for_update().get(pk=stage.project_id)
        due_before = stage.due_at
        before = workflow.snapshot(stage, "status")
        record = StageReturn.objects.create(
            stage=stage,
            task=task,
            unit_id=task.unit_id,
            items=items,
            note=note,
            requested_by=actor,
            requested_at=at,
        )
        clock = stage_clock(stage)
        if clock is not None:
            stage.mirror(
                clocks.clock_pause(clock=clock, kind="correction", at=at, reason="退回补正")
            )
        stage.status = STAGE.target("return", stage.status)
        stage.returns += 1
        stage.save()
        _task_clocks(stage.case_id, pause=True, at=at)
        project_clock_hold(project, at, kind="correction", reason="退回补正")
        project.save(update_fields=["gov_days_used", "late", "due_at", "clock_state"])
        event = workflow.record(
            actor,
            "project.stage_return",
            stage,
            before=before,
            after={"status": stage.status, "items": items, "unit": task.unit_id},
            reason=note,
        )
        audit.record_return(
            event=event,
            kind="return",
            unit=task.unit,
            due_at=due_before,
            label=f"{project.code} {STAGE_MARKS[stage.order]}{stage.definition.name}",
        )
        notify_owner(
            project,
            _("项目“%(name)s”%(stage)s被%(unit)s退回补正：%(items)s。补正期间不计入审批用时。")
            % {
                "name": project.name,
                "stage": stage.definition.name,
                "unit": task.unit.name,
                "items": "；".join(items),
            },
        )
    return record


def stage_resubmit(*, actor, stage, files: dict | None = None, at=None) -> ProjectStage:
    """The owner answers the return: the clocks run again from where they paused."""
    at = at or timezone.now()
    with transaction.atomic():
        stage = workflow.acquire(actor, ProjectStage, stage, action="resubmit", table=STAGE)
        project = Project.objects.select_for_update().get(pk=stage.project_id)
        if files:
            cases.case_supply_documents(actor=actor, case=stage.case, files=files, at=at)
        before = workflow.snapshot(stage, "status")
        clock = stage_clock(stage)
        if clock is not None:
            stage.mirror(clocks.clock_resume(clock=clock, at=at))
        stage.status = STAGE.target("resubmit", stage.status)
        stage.save()
        StageReturn.objects.filter(stage=stage, answered_at__isnull=True).update(answered_at=at)
        _task_clocks(stage.case_id, pause=False, at=at)
        project_clock_run(project, at)
        project.save(update_fields=["due_at", "clock_state"])
        workflow.record(
            actor,
            "project.stage_resubmit",
            stage,
            before=before,
            after={"status": stage.status, "files": sum(len(v) for v in (files or {}).values())},
        )
    return stage


def on_intake_correction(*, actor, case, waiting: bool, at) -> None:
    """The window's 一次性告知 on a stage's case (before the member units see it) is the owner's
    time too: the stage and project clocks stop while the owner corrects and run again when the
    case is resubmitted (registered with cases in ProjectsConfig.ready)."""
    stage = (
        ProjectStage.objects.select_for_update()
        .filter(case_id=case.pk, status=ProjectStage.Status.IN_REVIEW)
        .first()
    )
    if stage is None:
        return
    project = Project.objects.select_for_update().get(pk=stage.project_id)
    clock = stage_clock(stage)
    if waiting:
        if clock is not None and clock.state != "paused":
            stage.mirror(clocks.clock_pause(clock=clock, kind="correction", at=at, reason="补正"))
        project_clock_hold(project, at, kind="correction", reason="窗口一次性告知补正")
        project.save(update_fields=["gov_days_used", "late", "due_at", "clock_state"])
    else:
        if clock is not None and clock.state == "paused":
            stage.mirror(clocks.clock_resume(clock=clock, at=at))
        project_clock_run(project, at)
        project.save(update_fields=["due_at", "clock_state"])
    stage.save()
    audit.record(
        actor=actor,
        action="project.intake_correction" if waiting else "project.intake_resubmit",
        obj=stage,
        after={"case": case.number, "project_clock": project.clock_state},
    )


def _close_stage_clock(stage: ProjectStage, at) -> None:
    clock = stage_clock(stage)
    if clock is None:
        return
    stage.days_used = days_used(stage.limit_days, clock, at)
    clock = clocks.clock_stop(clock=clock, at=at)
    stage.late = clock.outcome == "missed" or stage.days_used > stage.limit_days
    stage.mirror(None)


def stage_approve(
    *, actor, stage, licences: dict | None = None, reasons: str = "", at=None
) -> ProjectStage:
    """The lead unit closes the stage once every parallel task is back: the case is decided
    (cases), the licences the stage issues are entered once, and the next stage opens (the
    project's government time waits for the owner). After ④ (联合验收) the project is complete."""
    at = at or timezone.now()
    licences = {k: (v or "").strip() for k, v in (licences or {}).items()}
    with transaction.atomic():
        stage = workflow.acquire(
            actor,
            ProjectStage,
            stage,
            action="approve",
            table=STAGE,
            queryset=ProjectStage.objects.select_related("definition", "project"),
        )
        wanted = stage.definition.produces or []
        missing = [p for p in wanted if not licences.get(p["key"])]
        if missing:
            raise InvalidInput(
                "STAGE_LICENCE_REQUIRED",
                _("请填写本阶段核发的证照编号：%(names)s")
                % {"names": "、".join(p["name"] for p in missing)},
                details={"fields": {p["key"]: p["name"] for p in missing}},
            )
        project = Project.objects.select_for_update().get(pk=stage.project_id)
        cases.case_decide(
            actor=actor, case=stage.case, decision=Decision.APPROVED, reasons=reasons, at=at
        )
        before = workflow.snapshot(stage, "status")
        _close_stage_clock(stage, at)
        stage.status = STAGE.target("approve", stage.status)
        stage.approved_at = at
        stage.save()
        for p in wanted:
            lic = ProjectLicence(
                project=project,
                stage=stage,
                key=p["key"],
                name=p["name"],
                number=licences[p["key"]],
                issued_at=at,
            )
            lic.file.save(
                f"{p['key']}.pdf", licence_pdf(p["key"], lic.number, project.code), save=False
            )
            lic.save()
        last = not ProjectStage.objects.filter(project=project, order__gt=stage.order).exists()
        if last:
            project_clock_finish(project, at)
            project.status = Project.Status.COMPLETED
            project.completed_at = at
        else:
            project_clock_hold(project, at, kind="suspension", reason="等待建设单位申报下一阶段")
            project.current_stage = stage.order + 1
        project.save()
        workflow.record(
            actor,
            "project.stage_approve",
            stage,
            before=before,
            after={
                "status": stage.status,
                "days_used": stage.days_used,
                "late": stage.late,
                "licences": {p["name"]: licences[p["key"]] for p in wanted},
            },
        )
        if last:
            workflow.record(
                actor,
                "project.complete",
                project,
                after={
                    "status": project.status,
                    "gov_days_used": project.gov_days_used,
                    "late": project.late,
                },
            )
        notify_owner(
            project,
            _("项目“%(name)s”%(stage)s已办结。")
            % {"name": project.name, "stage": stage.definition.name}
            + (_("项目已通过竣工联合验收。") if last else _("请申报下一阶段。")),
        )
    return stage


def stage_refuse(*, actor, stage, reasons: str, at=None) -> ProjectStage:
    """不予许可 with reasons: the stage may be submitted again (a new case); the earlier case
    stays in the cases module with its history."""
    at = at or timezone.now()
    if not (reasons or "").strip():
        raise InvalidInput(
            "REASON_REQUIRED", _("不予许可时必须说明理由"), details={"field": "reasons"}
        )
    with transaction.atomic():
        stage = workflow.acquire(actor, ProjectStage, stage, action="refuse", table=STAGE)
        project = Project.objects.select_for_update().get(pk=stage.project_id)
        cases.case_decide(
            actor=actor, case=stage.case, decision=Decision.NOT_APPROVED, reasons=reasons, at=at
        )
        before = workflow.snapshot(stage, "status")
        _close_stage_clock(stage, at)
        stage.status = STAGE.target("refuse", stage.status)
        stage.save()
        project_clock_hold(project, at, kind="suspension", reason="不予许可")
        project.save()
        workflow.record(
            actor,
            "project.stage_refuse",
            stage,
            before=before,
            after={"status": stage.status},
            reason=reasons,
        )
        notify_owner(
            project,
            _("项目“%(name)s”%(stage)s不予许可：%(r)s")
            % {"name": project.name, "stage": stage.definition.name, "r": reasons},
        )
    return stage
