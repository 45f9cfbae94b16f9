from django import template

from yingshang.audit import describe, selectors

register = template.Library()


@register.inclusion_tag("audit/timeline.html")
def audit_timeline(obj, hide_fields: str = ""):
    """The object's history. `obj` must already have been fetched through its scope; fields
    listed in hide_fields (comma-separated) are shown as changed without their values (e.g. a
    confidential caller's identity on a handling unit's page)."""
    hidden = {f.strip() for f in hide_fields.split(",") if f.strip()}
    return {"events": selectors.timeline(obj), "hidden": hidden}


@register.simple_tag
def audit_entries(events, hidden=()):
    """`{% audit_entries events hidden as entries %}`: events as readable entries (Chinese
    sentences, local time) for a page that lists events it fetched itself."""
    return describe.entries(events or [], hidden or ())


@register.filter
def action_label(action: str) -> str:
    from yingshang.audit.labels import label

    return label(action)


@register.filter
def local_datetime(value) -> str:
    """2026年12月6日 14:05, in the county's time zone."""
    return describe.local_datetime(value)
