"""What the project services share: the two clocks (stage and project: government time only),
the e-licence files later stages reuse, and the owner's messages."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingshang.notify import services as notify
from yingshang.projects.models import Project, ProjectStage
from yingshang.workcal import clocks

PURPOSE_STAGE = "project_stage"
PURPOSE_PROJECT = "project_total"


def days_used(limit: int, clock, at=None) -> Decimal:
    """Government working days used so far: the limit less what the clock has left at `at`."""
    left = clocks.remaining(clock, at) if clock is not None else None
    if left is None:
        return Decimal(0)
    return Decimal(str(limit)) - Decimal(str(left))


def project_clock_run(project: Project, at) -> None:
    """Government time starts (first stage) or runs again (a later stage, an answered return)."""
    clock = clocks.clock_open(project, PURPOSE_PROJECT)
    if clock is None:
        clock = clocks.clock_start(
            owner=project,
            purpose=PURPOSE_PROJECT,
            amount=project.total_limit_days,
            unit="working_days",
            started_at=at,
        )
    else:
        clock = clocks.clock_resume(clock=clock, at=at)
    project.mirror(clock)


def project_clock_hold(project: Project, at, *, kind: str, reason: str) -> None:
    """The owner's turn (correction, or preparing the next stage): government time stops."""
    clock = clocks.clock_open(project, PURPOSE_PROJECT)
    if clock is None:
        return
    clock = clocks.clock_pause(clock=clock, kind=kind, at=at, reason=reason)
    project.gov_days_used = days_used(project.total_limit_days, clock)
    project.late = project.gov_days_used > project.total_limit_days
    project.mirror(clock)


def project_clock_finish(project: Project, at) -> None:
    clock = clocks.clock_open(project, PURPOSE_PROJECT)
    if clock is None:
        return
    if clock.state != "paused":
        project.gov_days_used = days_used(project.total_limit_days, clock, at)
    clock = clocks.clock_stop(clock=clock, at=at)
    project.late = clock.outcome == "missed" or project.gov_days_used > project.total_limit_days
    project.mirror(None)


def stage_clock(stage: ProjectStage):
    return clocks.clock_open(stage, PURPOSE_STAGE)


def licence_pdf(name: str, number: str, project_code: str) -> SimpleUploadedFile:
    """The county's own copy of a licence a stage issued, attached to later stages' cases as the
    material of the same key (entered once, never asked again). ASCII only: no font needed."""
    text = f"Yingshang e-licence {number} project {project_code}".encode("ascii", "replace")
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 100]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length "
        + str(len(text) + 20).encode()
        + b">>stream\nBT 10 50 Td ("
        + text
        + b") Tj ET\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(f"{name}.pdf", body, content_type="application/pdf")


def notify_owner(project: Project, body: str) -> None:
    notify.send_to(
        [project.owner],
        body=body,
        subject=project.name,
        link=reverse("projects:portal_project", args=[project.pk]),
        related=project,
    )
