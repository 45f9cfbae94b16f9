from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "yingshang.inspections"
    label = "inspections"
    verbose_name = _("双随机抽查")

    def ready(self) -> None:
        from yingshang.audit import labels
        from yingshang.inspections import scopes  # noqa: F401
        from yingshang.inspections.services.work import on_publish_clock
        from yingshang.workcal import clocks

        clocks.on_transition("inspections.inspection", on_publish_clock)

        labels.register(
            {
                "inspections.config": _("修改抽查规则"),
                "inspections.matter_add": _("新增抽查事项"),
                "inspections.inspector_add": _("执法人员入库"),
                "inspections.inspector_withdraw": _("执法人员出库"),
                "inspections.conflict_declare": _("申报利益冲突（回避）"),
                "inspections.rule_publish": _("发布抽查细则"),
                "inspections.plan_create": _("制定抽查计划"),
                "inspections.plan_commit": _("公示抽取承诺"),
                "inspections.plan_draw": _("抽取并揭示"),
                "inspections.plan_redraw": _("重新抽取"),
                "inspections.plan_close": _("结束计划"),
                "inspections.plan_withdraw": _("撤回计划"),
                "inspections.schedule": _("安排检查日期"),
                "inspections.merge": _("合并为联合检查"),
                "inspections.file_exception": _("宁静日例外报备"),
                "inspections.exception_review": _("例外报备事后审查"),
                "inspections.record": _("记录检查结果"),
                "inspections.publish": _("公示检查结果"),
                "inspections.correct": _("更正公示结果"),
                "inspections.open_problem": _("问题转入督查台账"),
                "inspections.record_penalty": _("处罚决定录入信用档案"),
                "inspections.void": _("作废检查"),
                "inspections.object": _("企业提出异议"),
                "inspections.answer": _("答复企业异议"),
                "inspections.quiet_complaint": _("企业反映宁静日违规检查"),
            }
        )
