from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yingshang.cases"
    label = "cases"
    verbose_name = _("办件")

    def ready(self) -> None:
        from yingshang.audit import labels
        from yingshang.cases import scopes, tasks  # noqa: F401  (scope rules, clock handlers)
        from yingshang.cases.services.review import revoke_for_false_commitment
        from yingshang.credit.services import on_commitment_found_false

        on_commitment_found_false(revoke_for_false_commitment)

        labels.register(
            {
                "case.submit": _("提交申请"),
                "case.accept": _("受理"),
                "case.accept_with_deficit": _("容缺受理"),
                "case.deem_accept": _("视为受理"),
                "case.request_correction": _("一次性告知补正"),
                "case.request_second_correction": _("申请第二次补正（待督查审批）"),
                "case.approve_correction": _("批准第二次补正"),
                "case.refuse_correction": _("不批准第二次补正"),
                "case.resubmit": _("补正后重新提交"),
                "case.reject_intake": _("不予受理"),
                "case.start_review": _("开始审查"),
                "case.task_decide": _("并联审批意见"),
                "case.task_done": _("并联审批意见返回"),
                "case.add_opinion_task": _("征求意见"),
                "case.task_reassign": _("改派并联审批任务"),
                "case.special_procedure_start": _("特别程序开始（暂停计时）"),
                "case.special_procedure_end": _("特别程序结束（恢复计时）"),
                "case.decide": _("作出决定"),
                "case.deliver": _("送达结果"),
                "case.close": _("办结"),
                "case.withdraw": _("申请人撤回"),
                "case.terminate": _("终止办理"),
                "case.supply_documents": _("补交材料"),
                "case.review_supplement": _("审核容缺补交材料"),
                "case.assign_assistant": _("指定帮办代办员"),
                "case.verify": _("告知承诺核查"),
                "case.revoke_decision": _("撤销决定"),
                "appointment.book": _("预约"),
                "appointment.cancel": _("取消预约"),
            }
        )
        # how this app's events read in timelines (model fields need nothing)
        labels.register_field_models("cases.case", "cases.delivery", "cases.correctionrequest")
        labels.register_fields(
            "cases.case",
            {
                "deficit_signed": _("已签署容缺承诺书"),
                "items": _("补正事项"),
                "sequence": _("补正次数"),
                "material": _("材料"),
                "result": labels.Field(
                    _("审核结果"),
                    {
                        "supplied": _("已补交待审核"),
                        "accepted": _("审核接收"),
                        "refused": _("退回补交"),
                    },
                ),
                "deficit_supplied": _("补交的容缺材料"),
            },
        )
