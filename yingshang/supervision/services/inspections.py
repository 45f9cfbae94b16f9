"""Self-inspection forms (自查表): the supervisors publish one, each unit reports the problems it
finds, which land in the ledger with source 自查 and the reporting unit as owner."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.supervision import scopes
from yingshang.supervision.models import (
    InspectionForm,
    InspectionItem,
    InspectionSubmission,
    Problem,
)
from yingshang.supervision.services.common import default_category, require_may_create
from yingshang.supervision.services.registration import register


@transaction.atomic
def inspection_form_create(
    *, actor, title: str, intro: str = "", items=(), deadline_days: int = 30, publish=True
) -> InspectionForm:
    require_may_create(actor)
    if not 1 <= int(deadline_days) <= 2000:
        raise InvalidInput("PROBLEM_DEADLINE_INVALID", _("整改时限应为1到2000个工作日"))
    title = (title or "").strip()
    if not title:
        raise InvalidInput("FORM_TITLE_REQUIRED", _("请填写自查表标题"))
    items = [(c, q.strip()) for c, q in items if q and q.strip()]
    if not items:
        raise InvalidInput("FORM_ITEMS_REQUIRED", _("自查表至少需要一项自查内容"))
    now = timezone.now()
    form = InspectionForm.objects.create(
        title=title,
        intro=intro,
        deadline_days=deadline_days,
        created_by=actor or None,
        created_at=now,
        status=InspectionForm.Status.PUBLISHED if publish else InspectionForm.Status.DRAFT,
        published_at=now if publish else None,
    )
    for i, (cat, question) in enumerate(items):
        InspectionItem.objects.create(
            form=form, order=i, category=default_category(cat), question=question[:300]
        )
    workflow.record(actor, "inspection.publish", form, after={"title": title, "items": len(items)})
    return form


@transaction.atomic
def inspection_submit(*, actor, form, unit: Unit, answers: dict) -> list[Problem]:
    """A unit fills the form in: `answers` = {item_id: [problem description, …]}."""
    if form.status != InspectionForm.Status.PUBLISHED:
        raise DomainError("FORM_NOT_OPEN", _("该自查表未发布或已截止"))
    allowed = scopes.may_report_for(scope.grants(actor), unit)
    if not allowed:
        raise PermissionDeniedError(allowed.code, allowed.message)
    items = {i.pk: i for i in form.items.select_related("category")}
    now = timezone.now()
    sub = InspectionSubmission.objects.create(
        form=form, unit=unit, submitted_by=actor, submitted_at=now
    )
    made = []
    for item_id, lines in answers.items():
        item = items.get(int(item_id))
        if item is None:
            continue
        for n, line in enumerate(lines):
            line = (line or "").strip()
            if not line:
                continue
            made.append(
                register(
                    actor=actor,
                    unit=unit,
                    description=line,
                    source=Problem.Source.SELF_INSPECTION,
                    category=item.category,
                    deadline_days=form.deadline_days,
                    source_type="inspection",
                    source_id=f"{sub.pk}:{item.pk}:{n}",
                    at=now,
                )
            )
    sub.problem_count = len(made)
    sub.save(update_fields=["problem_count"])
    # the unit reported in its own name, whatever else the person is
    workflow.record(
        actor,
        "inspection.submit",
        form,
        after={"unit": unit.name, "problems": len(made)},
        role=Role.DEPT_HANDLER,
        unit=unit.pk,
    )
    return made
