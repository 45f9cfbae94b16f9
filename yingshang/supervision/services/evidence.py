"""Evidence files (佐证材料): checked by content, stored with the problem."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import uploads, workflow
from yingshang.errors import InvalidInput
from yingshang.supervision import transitions as t
from yingshang.supervision.models import Evidence, Problem


def check_upload(upload) -> str:
    """Size limit and content sniffing (yingshang.uploads); returns the detected content type."""
    return uploads.check(upload, allowed=uploads.EVIDENCE).content_type


def evidence_names(evidence) -> dict:
    """What the audit event says about the files."""
    return {"evidence": [e.original_name for e in evidence]} if evidence else {}


def save_evidence(
    problem, files, actor, *, progress=None, milestone=None, at=None
) -> list[Evidence]:
    saved = []
    for upload in files or []:
        mime = check_upload(upload)
        ev = Evidence(
            problem=problem,
            progress=progress,
            milestone=milestone,
            original_name=upload.name[:200],
            content_type=mime,
            size=upload.size,
            uploaded_by=actor or None,
            uploaded_at=at or timezone.now(),
        )
        ev.file.save(upload.name, upload, save=False)
        ev.save()
        saved.append(ev)
    return saved


@transaction.atomic
def problem_attach_evidence(
    *, actor, problem: Problem, files, note: str = "", at=None
) -> list[Evidence]:
    """Evidence files added to a problem outside a progress report (e.g. over the API before
    asking for closure)."""
    problem = workflow.lock(actor, problem, action="report", table=t.problem_table)
    if not files:
        raise InvalidInput("EVIDENCE_REQUIRED", _("请选择要上传的佐证材料"))
    evidence = save_evidence(problem, files, actor, at=at or timezone.now())
    workflow.record(actor, "problem.evidence", problem, after=evidence_names(evidence), reason=note)
    return evidence
