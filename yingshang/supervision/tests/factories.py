"""factory_boy factories of ledger rows. A problem is registered the way the ledger registers
one (problem_create by workflow.SYSTEM: number, deadline clock, creation event), then moved
along the real services to the state asked for."""

import datetime as dt

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingshang import workflow
from yingshang.org.models import Unit, User
from yingshang.org.roles import Role
from yingshang.supervision import services
from yingshang.supervision.models import Problem
from yingshang.supervision.tests.sample import png


def _unit_handler(problem: Problem) -> User:
    return (
        User.objects.filter(
            role_assignments__unit=problem.owner_unit_id,
            role_assignments__role__in=[Role.DEPT_HANDLER, Role.DEPT_HEAD],
        )
        .order_by("id")
        .first()
    )


def photo(name: str = "整改现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(), content_type="image/png")


class ProblemFactory(factory.Factory):
    """`ProblemFactory(unit=..., state="claimed")`: states assigned, claimed (with a milestone
    and a photo on file), closure_requested, closed."""

    class Meta:
        model = Problem

    unit = factory.LazyFunction(lambda: Unit.objects.get(code="scjg"))
    description = factory.Sequence(lambda n: f"窗口办事指南要件表述模糊（第{n}项）")
    deadline_days = 20
    milestones = factory.LazyFunction(
        lambda: [("修订办事指南", timezone.localdate() + dt.timedelta(days=20))]
    )
    state = "assigned"

    @classmethod
    def _create(cls, model_class, *, state, **fields):
        problem = services.problem_create(actor=workflow.SYSTEM, **fields)
        if state == "assigned":
            return problem
        handler = _unit_handler(problem)
        services.problem_claim(actor=handler, problem=problem)
        services.problem_attach_evidence(actor=handler, problem=problem, files=[photo()])
        if state in ("closure_requested", "closed"):
            services.problem_request_closure(actor=handler, problem=problem, text="整改完成")
        if state == "closed":
            supervisor = User.objects.get(username="supervisor")
            services.problem_close(actor=supervisor, problem=problem, reason="核验属实")
        problem.refresh_from_db()
        return problem
