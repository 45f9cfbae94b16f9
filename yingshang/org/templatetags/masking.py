from django import template

from yingshang.org import masking

register = template.Library()
register.filter("mask_phone", masking.mask_phone)
register.filter("mask_id", masking.mask_id_number)
register.filter("mask_name", masking.mask_name)
register.filter("mask_address", masking.mask_address)
# free text shown publicly: phone and ID numbers in any spelling
register.filter("mask_text", masking.mask_text)


@register.filter
def mask_applicant(case) -> str:
    """A case's applicant in a list: a firm's name in full (public), a person's masked."""
    return masking.mask_party(case.applicant_name, firm=bool(case.firm_id))
