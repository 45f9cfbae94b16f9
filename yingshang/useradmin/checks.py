"""`yingshang check`: every unit a matter, package or dispatch rule routes to has an active
handler (useradmin/coverage.py). A warning, not an error: a county with a gap must still be
able to start the server and migrate — to fix the gap."""

from django.core import checks
from django.db import DatabaseError
from django.utils.translation import gettext as _

CHECK_ID = "yingshang.W101"


@checks.register("yingshang")
def handler_coverage(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from yingshang.useradmin import coverage

    try:
        gaps = coverage.gaps()
    except DatabaseError:  # not migrated yet: nothing routes anywhere
        return []
    return [
        checks.Warning(
            _(
                "单位“%(name)s”（%(code)s）没有在岗的经办人或负责人，派往该单位的工作无人办理：%(routes)s"
            )
            % {
                "name": gap.unit.name,
                "code": gap.unit.code,
                "routes": "、".join(f"{r.source}“{r.label}”" for r in gap.routes[:5])
                + ("…" if len(gap.routes) > 5 else ""),
            },
            hint=_(
                "在工作台“账号管理”中为该单位开通账号并授予部门经办人角色，"
                "或把相关事项、一件事、派单规则改到有人办理的单位。"
            ),
            obj=f"unit:{gap.unit.code}",
            id=CHECK_ID,
        )
        for gap in gaps
    ]
