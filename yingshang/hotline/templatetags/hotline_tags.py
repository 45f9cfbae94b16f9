from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def approved_extension_days(order) -> int:
    """Working days of the approved extensions a redo carries over (services.reply)."""
    from yingshang.hotline.services.reply import approved_extension_days as days

    return days(order)
