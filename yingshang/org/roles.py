"""The roles of DESIGN.md §1. Every role except public/applicant/admin is held in a unit."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    WINDOW_CLERK = "window_clerk", _("窗口工作人员")
    DEPT_HANDLER = "dept_handler", _("部门经办人")
    DEPT_HEAD = "dept_head", _("部门负责人")
    HOTLINE_OPERATOR = "hotline_operator", _("热线话务员")
    SUPERVISOR = "supervisor", _("营商办督查人员")
    LEADER = "leader", _("县领导/纪委")
    ADMIN = "admin", _("系统管理员")


UNIT_ROLES = frozenset(
    {
        Role.WINDOW_CLERK,
        Role.DEPT_HANDLER,
        Role.DEPT_HEAD,
        Role.HOTLINE_OPERATOR,
        Role.SUPERVISOR,
        Role.LEADER,
    }
)
# Roles that see every unit's records (DESIGN.md §1: supervisors and leaders see all).
COUNTYWIDE_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER})
STAFF_ROLES = UNIT_ROLES | {Role.ADMIN}
# The order in which an actor's capacity is guessed when the object says nothing about it
# (workflow.first_role): the most specific office first.
SENIORITY = (
    Role.SUPERVISOR,
    Role.HOTLINE_OPERATOR,
    Role.DEPT_HEAD,
    Role.DEPT_HANDLER,
    Role.WINDOW_CLERK,
    Role.LEADER,
    Role.ADMIN,
    Role.APPLICANT,
)
