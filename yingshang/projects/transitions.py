"""The moves of a project stage, as data (国办发〔2019〕11号: 一家牵头、并联审批、限时办结)."""

from yingshang.projects.models import ProjectStage
from yingshang.transitions import TransitionTable

S = ProjectStage.Status

STAGE = TransitionTable(
    "project_stage",
    [
        ("submit", {S.NOT_STARTED, S.REFUSED}, S.IN_REVIEW),
        ("return", {S.IN_REVIEW}, S.CORRECTING),
        ("resubmit", {S.CORRECTING}, S.IN_REVIEW),
        ("approve", {S.IN_REVIEW}, S.APPROVED),
        ("refuse", {S.IN_REVIEW}, S.REFUSED),
    ],
    error_prefix="PROJECT_STAGE",
)
