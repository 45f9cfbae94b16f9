"""Theme and life-event vocabularies of the service guides (codes stored on versions)."""

from django.utils.translation import gettext_lazy as _

THEMES = {
    "market_entry": _("市场准入"),
    "food_drug": _("食品药品"),
    "health": _("医疗卫生"),
    "construction": _("工程建设"),
    "real_estate": _("不动产登记"),
    "social_security": _("社会保障"),
    "medical_insurance": _("医疗保障"),
    "identity": _("户籍证件"),
    "tax": _("税费办理"),
    "environment": _("生态环境"),
    "transport": _("交通运输"),
    "utilities": _("水电气网"),
    "water": _("水利水务"),
    "civil_affairs": _("民政服务"),
    "employment": _("就业创业"),
    "culture_tourism": _("文化旅游"),
    "safety": _("安全生产"),
}

# The two life cycles of 国办发〔2025〕24号: business (经营主体) and individual (个人).
LIFE_EVENTS = {
    "biz_entry": _("准入准营"),
    "biz_hiring": _("招聘用工"),
    "biz_tax": _("纳税缴费"),
    "biz_operation": _("经营发展"),
    "biz_construction": _("工程建设"),
    "biz_exit": _("注销退出"),
    "p_birth": _("出生"),
    "p_education": _("教育"),
    "p_employment": _("就业"),
    "p_living": _("生活"),
    "p_housing": _("置业"),
    "p_travel": _("出行"),
    "p_medical": _("就医"),
    "p_relief": _("救助"),
    "p_elderly": _("养老"),
    "p_death": _("身后"),
}


def theme_label(code: str) -> str:
    return str(THEMES.get(code, code))


def life_event_label(code: str) -> str:
    return str(LIFE_EVENTS.get(code, code))
