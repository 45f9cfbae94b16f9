"""`{% arrears_from_order order %}`: the 12345 work-order page's button to turn an order about
arrears into a 清欠 record (for the 清欠办), or the link to the record it became."""

from django import template

from yingshang.arrears import transitions as t
from yingshang.arrears.models import Arrears
from yingshang.arrears.scopes import may_register
from yingshang.org import scope

register = template.Library()


@register.inclusion_tag("arrears/_from_order.html", takes_context=True)
def arrears_from_order(context, order):
    user = context["request"].user
    g = scope.grants(user)
    existing = (
        scope.visible_to(user, Arrears)
        .filter(workorder=order)
        .exclude(status=t.VOIDED)
        .only("pk", "number")
        .first()
    )
    return {
        "order": order,
        "existing": existing,
        "may": bool(may_register(g)) and g.has("supervisor"),
    }
