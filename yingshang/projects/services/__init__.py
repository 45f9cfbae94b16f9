"""Project services (国办发〔2019〕11号 stages; 重点项目 四帮四保) on the workflow kit."""

from yingshang.projects.services.keyprojects import (  # noqa: F401
    keyproject_create,
    keyproject_milestone,
    keyproject_progress,
    keyproject_raise_problem,
    keyproject_visit,
)
from yingshang.projects.services.stages import (  # noqa: F401
    project_create,
    reuse_plan,
    stage_approve,
    stage_refuse,
    stage_resubmit,
    stage_return,
    stage_submit,
)
