"""Work orders for tests, made through the services (so the numbers, clocks and audit events are
the real ones)."""

import factory

from yingshang.hotline import services
from yingshang.hotline.models import WorkOrder


class WorkOrderFactory(factory.Factory):
    """`WorkOrderFactory(actor=operator)`: a registered complaint."""

    class Meta:
        model = WorkOrder

    actor = None
    content = factory.Sequence(lambda n: f"某某饭店后厨卫生状况差，第{n}次反映，请监管部门查处。")
    category = "complaint"
    caller_name = "李四"
    caller_phone = "13812345678"
    address = "示范县城关镇人民路88号"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.workorder_register(**kwargs)

    _build = _create
