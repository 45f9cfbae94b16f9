"""`{{ row.due_at|provisional }}`: a “预计” badge after a deadline that rests on a year whose
holiday arrangement is not yet entered (workcal.provisional). Takes a due datetime (the rows'
ClockMirror copy) or a Clock (its own flag)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from yingshang.workcal import calendar
from yingshang.workcal.models import Clock

register = template.Library()


@register.filter
def is_provisional(value) -> bool:
    if isinstance(value, Clock):
        return value.due_provisional
    try:
        return calendar.is_provisional(value)
    except (TypeError, ValueError, AttributeError):
        return False


@register.filter
def provisional(value) -> str:
    if not is_provisional(value):
        return ""
    return format_html(
        ' <span class="badge text-bg-light border" data-testid="due-provisional" title="{}">{}</span>',
        _("该年度节假日安排尚未公布，时限按法定节假日推算，公布后自动重算"),
        _("预计"),
    )
