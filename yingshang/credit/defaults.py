"""The rows the credit file starts with: publicity periods per penalty type and the 联合惩戒
table. Seeded by a data migration and by `ensure_defaults()` (idempotent: only missing codes
are added, nothing an administrator changed is overwritten)."""

BASIS_2023 = (
    "《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展改革委令第58号）；"
    "行政处罚信息公示期限：最短3个月、最长3年，期满自动停止公示"
)
BASIS_SAFETY = (
    "《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展改革委令第58号）：涉及特种设备、"
    "安全生产、消防领域的行政处罚信息，最短公示期为1年"
)
BASIS_LIST = (
    "《国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见》（国办发〔2020〕49号）："
    "严重失信主体名单有效期原则上不超过3年"
)

# code, name, min months, max months, basis, order
PUBLICITY_RULES = [
    ("warning", "警告、通报批评", 3, 36, BASIS_2023, 10),
    ("fine", "罚款、没收违法所得、没收非法财物", 3, 36, BASIS_2023, 20),
    ("licence", "暂扣许可证件、降低资质等级、吊销许可证件", 3, 36, BASIS_2023, 30),
    (
        "restriction",
        "限制开展生产经营活动、责令停产停业、责令关闭、限制从业",
        3,
        36,
        BASIS_2023,
        40,
    ),
    ("other", "其他行政处罚", 3, 36, BASIS_2023, 50),
    ("safety", "安全生产领域行政处罚", 12, 36, BASIS_SAFETY, 60),
    ("fire", "消防领域行政处罚", 12, 36, BASIS_SAFETY, 70),
    ("special_equipment", "特种设备领域行政处罚", 12, 36, BASIS_SAFETY, 80),
    # the dishonest list: minimum before repair, maximum validity
    ("dishonest_list", "严重失信主体名单", 6, 36, BASIS_LIST, 90),
]
LISTING_RULE = "dishonest_list"

BASIS_JOINT = (
    "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）；"
    "国办发〔2020〕49号"
)
BASIS_COMMITMENT = (
    "《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）："
    "有较严重的不良信用记录或者存在曾作出虚假承诺等情形的，在信用修复前不适用告知承诺制"
)
BASIS_INSPECTION = "《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）：根据信用等级确定抽查比例和频次"
# record kind, benefit, basis
SANCTION_RULES = [
    *[
        ("listing", b, BASIS_JOINT)
        for b in ("deficit", "certificate", "policy_benefit", "award", "inspection_relief")
    ],
    ("false_commitment", "deficit", BASIS_COMMITMENT),
    ("false_commitment", "certificate", BASIS_COMMITMENT),
    ("serious_penalty", "certificate", BASIS_COMMITMENT),
    ("serious_penalty", "award", BASIS_JOINT),
    ("serious_penalty", "inspection_relief", BASIS_INSPECTION),
    ("penalty", "award", BASIS_JOINT),
    ("penalty", "inspection_relief", BASIS_INSPECTION),
]


def ensure_defaults(publicity_model=None, sanction_model=None) -> None:
    if publicity_model is None or sanction_model is None:
        from yingshang.credit.models import PublicityRule, SanctionRule

        publicity_model, sanction_model = PublicityRule, SanctionRule
    for code, name, lo, hi, basis, order in PUBLICITY_RULES:
        publicity_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "min_months": lo,
                "max_months": hi,
                "legal_basis": basis,
                "order": order,
            },
        )
    for kind, benefit, basis in SANCTION_RULES:
        sanction_model.objects.get_or_create(
            record_kind=kind, benefit=benefit, defaults={"legal_basis": basis}
        )
