"""Demo catalogue of 示范县: realistic matters of the demo units with materials, limits and legal
basis, and the 一件事 packages 开办餐饮店, 企业开办 and 水电气网联合报装. Idempotent."""

from django.db import transaction

from yingshang.catalog import services
from yingshang.catalog.models import (
    FormField,
    HandlingKind,
    Material,
    Matter,
    MatterType,
    MatterVersion,
    Package,
)

# key → (name, form, deficit_allowed, commitment_replaces, notes)
MATERIALS = {
    "application_form": ("申请表（书）", "original", False, False, "可在线填写，窗口打印签字"),
    "id_card": ("申请人居民身份证", "original_and_copy", False, False, "核验原件，留存复印件"),
    "legal_rep_id": ("法定代表人身份证明", "copy", False, False, ""),
    "agent_authorisation": ("授权委托书及代理人身份证明", "original", False, False, "委托他人办理时提供"),
    "business_licence": ("营业执照", "copy", False, False, "已实现电子证照共享的可免交"),
    "articles": ("公司章程", "original", False, False, "可使用标准化章程模板"),
    "premises_proof": ("经营场所使用证明（产权证明或租赁合同）", "copy", True, True, "可先作出告知承诺，后补交"),
    "name_declaration": ("企业名称自主申报告知书", "electronic", False, False, ""),
    "food_safety_system": ("食品安全管理制度文本", "original", True, False, ""),
    "layout_plan": ("经营场所平面布局图及设备布局、工艺流程图", "original", True, False, ""),
    "food_safety_officer": ("食品安全管理人员名单及培训合格证明", "copy", True, False, ""),
    "health_certs": ("从业人员健康证明", "copy", True, True, "可承诺在开业前取得"),
    "hygiene_testing": ("公共场所卫生检测（评价）报告", "original", True, True, ""),
    "hygiene_system": ("卫生管理制度及卫生管理人员名单", "original", True, False, ""),
    "fire_commitment": ("公众聚集场所投入使用、营业前消防安全检查告知承诺书", "original", False, True, ""),
    "eia_form": ("建设项目环境影响登记表（备案回执）", "copy", False, False, ""),
    "pollution_description": ("污染物排放种类、浓度及治理设施情况说明", "original", True, False, ""),
    "monitoring_plan": ("自行监测方案", "original", True, False, ""),
    "project_filing": ("项目立项（审批、核准、备案）文件", "copy", False, False, ""),
    "land_proof": ("国有土地使用权证明（不动产权证书）", "copy", False, False, ""),
    "design_scheme": ("建设工程设计方案（总平面图）", "original", False, False, ""),
    "planning_permit": ("建设工程规划许可证", "copy", False, False, ""),
    "construction_contract": ("施工合同及监理合同", "copy", True, False, ""),
    "drawing_review": ("施工图设计文件审查合格书", "copy", True, True, "低风险项目可告知承诺"),
    "funds_commitment": ("建设资金已落实承诺书", "original", False, False, ""),
    "safety_measures": ("保证工程质量和安全的具体措施", "original", True, False, ""),
    "cadastral_survey": ("不动产权籍调查成果", "original", False, False, ""),
    "property_cert": ("不动产权证书", "original", False, False, ""),
    "sale_contract": ("不动产买卖合同（网签备案）", "original", False, False, ""),
    "tax_receipt": ("完税（减免税）凭证", "copy", False, False, "已与税务系统共享的免交"),
    "marriage_proof": ("婚姻状况证明", "copy", True, True, ""),
    "labour_contract": ("劳动合同或用工证明", "copy", True, False, ""),
    "employee_list": ("参保人员花名册", "original", False, False, ""),
    "bank_account": ("单位银行结算账户信息", "copy", True, False, ""),
    "residence_proof": ("异地长期居住证明或居住证", "copy", False, True, "可个人承诺代替"),
    "referral_form": ("转诊转院备案表（医疗机构出具）", "original", False, False, ""),
    "medical_card": ("社会保障卡（医保电子凭证）", "original", False, False, ""),
    "hukou": ("居民户口簿", "original", False, False, ""),
    "photo": ("近期免冠彩色照片（数码回执）", "electronic", False, False, "可现场免费采集"),
    "old_id_card": ("原居民身份证", "original", False, False, ""),
    "seal_form": ("印章刻制备案申请表", "original", False, False, ""),
    "seal_sample": ("印章印模", "electronic", False, False, ""),
    "tax_officer_info": ("财务负责人、办税人员身份信息", "copy", True, False, ""),
    "invoice_application": ("发票领用申请", "electronic", False, False, ""),
    "power_application": ("用电报装申请表", "original", False, False, ""),
    "load_list": ("用电设备清单及负荷容量", "original", True, False, ""),
    "water_application": ("用水报装申请表", "original", False, False, ""),
    "gas_application": ("用气报装申请表", "original", False, False, ""),
    "broadband_application": ("宽带（网络）报装申请表", "original", False, False, ""),
    "site_plan": ("用水（用气）接入位置示意图", "original", True, False, ""),
    "vehicle_list": ("营运车辆清单及行驶证", "copy", False, False, ""),
    "driver_certs": ("驾驶人员从业资格证", "copy", True, False, ""),
    "safety_rules": ("安全生产管理制度文本", "original", True, False, ""),
    "water_report": ("建设项目水资源论证报告书（表）", "original", False, False, ""),
    "metering_plan": ("取水计量设施说明", "original", True, False, ""),
    "org_certificate": ("社会组织登记申请书及章程草案", "original", False, False, ""),
    "assets_proof": ("验资报告或资产证明", "original", False, True, ""),
    "income_proof": ("家庭收入及财产状况申报", "original", False, True, "可个人承诺，部门核查"),
    "death_proof": ("死亡医学证明（推断）书", "original", False, False, ""),
    "birth_cert": ("出生医学证明", "original", False, False, ""),
    "practice_proof": ("执业人员资格证书", "copy", False, False, ""),
    "equipment_list": ("主要设备清单", "original", True, False, ""),
}

# key → (label, field_type, required, profile_source, choices)
FIELDS = {
    "applicant.name": ("申请人姓名", "text", True, "user.real_name", []),
    "applicant.id_number": ("申请人身份证号码", "id_number", True, "user.id_number", []),
    "applicant.mobile": ("联系电话", "phone", True, "user.mobile", []),
    "firm.name": ("企业名称", "text", True, "firm.name", []),
    "firm.uscc": ("统一社会信用代码", "uscc", True, "firm.uscc", []),
    "firm.legal_rep": ("法定代表人", "text", True, "firm.legal_representative", []),
    "firm.address": ("企业住所", "text", True, "firm.address", []),
    "firm.capital": ("注册资本（万元）", "number", True, "", []),
    "firm.scope": ("经营范围", "textarea", True, "", []),
    "firm.employees": ("从业人数", "number", False, "", []),
    "shop.name": ("门店名称", "text", True, "", []),
    "shop.address": ("经营场所地址", "text", True, "", []),
    "shop.area": ("经营场所面积（平方米）", "number", True, "", []),
    "food.category": ("经营项目", "choice", True, "", ["热食类食品制售", "冷食类食品制售", "糕点类食品制售", "自制饮品制售", "预包装食品销售"]),
    "project.name": ("项目名称", "text", True, "", []),
    "project.address": ("建设地点", "text", True, "", []),
    "project.investment": ("总投资（万元）", "number", True, "", []),
    "project.area": ("建筑面积（平方米）", "number", True, "", []),
    "property.address": ("不动产坐落", "text", True, "", []),
    "property.cert_no": ("不动产权证书号", "text", False, "", []),
    "power.capacity": ("报装容量（千瓦）", "number", True, "", []),
    "water.diameter": ("接水管径", "choice", True, "", ["DN20", "DN25", "DN50", "DN100"]),
    "gas.usage": ("预计月用气量（立方米）", "number", True, "", []),
    "net.bandwidth": ("宽带速率", "choice", False, "", ["100M", "300M", "1000M"]),
    "vehicle.count": ("营运车辆数", "number", True, "", []),
    "medical.city": ("就医地（省市）", "text", True, "", []),
    "seal.count": ("刻制印章枚数", "number", True, "", []),
    "emission.type": ("主要污染物", "textarea", True, "", []),
    "water.amount": ("年取水量（万立方米）", "number", True, "", []),
}

PERSON = ["applicant.name", "applicant.id_number", "applicant.mobile"]
FIRM = ["firm.name", "firm.uscc", "firm.legal_rep", "applicant.mobile"]
HALL = "示范县政务服务中心（迎宾大道88号）"
HOURS = "工作日 9:00-12:00，13:30-17:30；周六 9:00-12:00 延时服务"

# (base code, unit, name, type, kind, legal, promised, fee, visits, online, materials, fields, themes,
#  life events, legal basis, conditions)
L, C, B, INSP, OTH, P = (MatterType.LICENSING, MatterType.CONFIRMATION, MatterType.BENEFIT, MatterType.INSPECTION,
                    MatterType.OTHER_POWER, MatterType.PUBLIC_SERVICE)
IN, PR = HandlingKind.INSTANT, HandlingKind.PROMISED
MATTERS = [
    ("XK00101000", "xzsp", "企业设立登记（有限责任公司）", L, PR, 15, 1, "不收费", 0, True,
     ["application_form", "articles", "legal_rep_id", "premises_proof", "name_declaration", "agent_authorisation"],
     [*FIRM[:1], "firm.legal_rep", "firm.address", "firm.capital", "firm.scope", "applicant.mobile"], ["market_entry"], ["biz_entry"],
     "《中华人民共和国公司法》第二十九条；《中华人民共和国市场主体登记管理条例》第十九条",
     "申请人具有完全民事行为能力；企业名称已自主申报；经营场所合法；章程符合法律规定。"),
    ("XK00102000", "xzsp", "个体工商户设立登记", L, IN, 15, 0, "不收费", 0, True,
     ["application_form", "id_card", "premises_proof"], [*PERSON, "shop.name", "shop.address", "firm.scope"],
     ["market_entry"], ["biz_entry"], "《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》",
     "有经营能力的自然人；经营场所符合规定。"),
    ("XK00103000", "xzsp", "企业变更登记", L, PR, 15, 1, "不收费", 0, True,
     ["application_form", "business_licence", "legal_rep_id"], FIRM, ["market_entry"], ["biz_operation"],
     "《中华人民共和国市场主体登记管理条例》第二十四条", "已登记的企业，登记事项发生变化。"),
    ("XK00104000", "xzsp", "企业注销登记", L, PR, 15, 3, "不收费", 1, True,
     ["application_form", "business_licence", "tax_receipt"], FIRM, ["market_entry"], ["biz_exit"],
     "《中华人民共和国市场主体登记管理条例》第三十一条", "已完成清算，无未结清的税款和债务。"),
    ("XK00201000", "xzsp", "食品经营许可", L, PR, 20, 5, "不收费", 1, True,
     ["application_form", "business_licence", "premises_proof", "food_safety_system", "layout_plan", "food_safety_officer", "health_certs"],
     [*FIRM, "shop.name", "shop.address", "shop.area", "food.category"], ["food_drug", "market_entry"], ["biz_entry"],
     "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
     "从事餐饮服务、食品销售等食品经营活动，具有与经营的食品品种、数量相适应的场所、设备和食品安全管理人员。"),
    ("XK00202000", "scjg", "小餐饮经营登记", L, PR, 15, 3, "不收费", 1, False,
     ["application_form", "id_card", "premises_proof", "health_certs"], [*PERSON, "shop.name", "shop.address", "shop.area"],
     ["food_drug"], ["biz_entry"], "《中华人民共和国食品安全法》第三十六条；本省食品小作坊小餐饮管理条例",
     "从业人员少、经营面积小的餐饮店、小吃店。"),
    ("XK00203000", "scjg", "药品零售企业经营许可", L, PR, 30, 15, "不收费", 1, False,
     ["application_form", "business_licence", "premises_proof", "practice_proof", "equipment_list"], [*FIRM, "shop.address", "shop.area"],
     ["food_drug"], ["biz_entry"], "《中华人民共和国药品管理法》第五十一条", "有依法经过资格认定的药师；有与所经营药品相适应的营业场所、设备。"),
    ("XK00204000", "scjg", "特种设备使用登记", L, PR, 15, 5, "不收费", 1, True,
     ["application_form", "business_licence", "equipment_list"], FIRM, ["safety"], ["biz_operation"],
     "《中华人民共和国特种设备安全法》第三十三条", "特种设备投入使用前或者投入使用后三十日内。"),
    ("XK00301000", "wjj", "公共场所卫生许可", L, PR, 20, 5, "不收费", 1, True,
     ["application_form", "business_licence", "premises_proof", "layout_plan", "hygiene_testing", "hygiene_system", "health_certs"],
     [*FIRM, "shop.name", "shop.address", "shop.area"], ["health", "market_entry"], ["biz_entry"],
     "《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条",
     "住宿、沐浴、美容美发、游泳等公共场所，卫生设施和卫生管理制度符合规定。"),
    ("XK00302000", "wjj", "医疗机构执业登记", L, PR, 45, 20, "不收费", 2, False,
     ["application_form", "business_licence", "premises_proof", "practice_proof", "equipment_list"], [*FIRM, "shop.address"],
     ["health"], ["biz_entry"], "《医疗机构管理条例》第十五条", "已取得设置医疗机构批准书，符合医疗机构基本标准。"),
    ("XK00303000", "wjj", "放射诊疗许可", L, PR, 20, 15, "不收费", 2, False,
     ["application_form", "practice_proof", "equipment_list"], FIRM, ["health"], ["biz_operation"],
     "《放射诊疗管理规定》第十一条", "具备与放射诊疗相适应的场所、设备和专业技术人员。"),
    ("XK00401000", "zrzy", "建设工程规划许可", L, PR, 20, 7, "不收费", 1, True,
     ["application_form", "project_filing", "land_proof", "design_scheme"], [*FIRM, "project.name", "project.address", "project.area"],
     ["construction"], ["biz_construction"], "《中华人民共和国城乡规划法》第四十条",
     "已取得土地使用权，建设工程设计方案符合控制性详细规划和规划条件。"),
    ("XK00402000", "zrzy", "建设用地规划许可", L, PR, 20, 5, "不收费", 1, True,
     ["application_form", "project_filing", "land_proof"], [*FIRM, "project.name", "project.address"],
     ["construction"], ["biz_construction"], "《中华人民共和国城乡规划法》第三十七条、第三十八条", "建设项目已批准、核准或备案。"),
    ("QR00401000", "zrzy", "不动产首次登记", C, PR, 30, 5, "住宅80元/件，非住宅550元/件", 1, False,
     ["application_form", "id_card", "land_proof", "cadastral_survey", "tax_receipt"], [*PERSON, "property.address"],
     ["real_estate"], ["p_housing", "biz_construction"], "《不动产登记暂行条例》第二十条",
     "权利人首次申请登记，权属来源合法，权籍调查成果完备。"),
    ("QR00402000", "zrzy", "不动产转移登记", C, PR, 30, 1, "住宅80元/件，非住宅550元/件", 1, True,
     ["application_form", "id_card", "property_cert", "sale_contract", "tax_receipt", "marriage_proof"],
     [*PERSON, "property.address", "property.cert_no"], ["real_estate"], ["p_housing"],
     "《不动产登记暂行条例》第十四条；《不动产登记暂行条例实施细则》第三十八条",
     "因买卖、赠与、继承等导致不动产权利转移。"),
    ("QR00403000", "zrzy", "不动产抵押登记", C, PR, 30, 1, "80元/件", 0, True,
     ["application_form", "id_card", "property_cert"], [*PERSON, "property.address", "property.cert_no"],
     ["real_estate"], ["p_housing", "biz_operation"], "《中华人民共和国民法典》第四百零二条", "以不动产设定抵押权。"),
    ("XK00501000", "zjj", "建筑工程施工许可", L, PR, 7, 3, "不收费", 1, True,
     ["application_form", "planning_permit", "construction_contract", "drawing_review", "funds_commitment", "safety_measures"],
     [*FIRM, "project.name", "project.address", "project.investment", "project.area"], ["construction"], ["biz_construction"],
     "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》",
     "已取得建设工程规划许可证，已确定施工企业，施工图审查合格，建设资金已落实。"),
    ("XK00502000", "zjj", "商品房预售许可", L, PR, 10, 5, "不收费", 1, False,
     ["application_form", "business_licence", "land_proof", "planning_permit"], [*FIRM, "project.name"],
     ["construction", "real_estate"], ["biz_construction"], "《城市商品房预售管理办法》第七条", "已投入开发建设资金达到工程建设总投资的25%以上。"),
    ("QT00503000", "zjj", "房屋建筑和市政基础设施工程竣工验收备案", OTH, PR, 15, 5, "不收费", 1, True,
     ["application_form", "planning_permit", "safety_measures"], [*FIRM, "project.name"], ["construction"], ["biz_construction"],
     "《房屋建筑和市政基础设施工程竣工验收备案管理办法》第四条", "工程竣工验收合格之日起15日内。"),
    ("GF00601000", "rsj", "社会保险参保登记（单位）", P, IN, 5, 0, "不收费", 0, True,
     ["business_licence", "employee_list", "bank_account"], [*FIRM, "firm.employees"], ["social_security", "employment"], ["biz_hiring"],
     "《中华人民共和国社会保险法》第五十七条", "用人单位自成立之日起三十日内申请办理。"),
    ("GF00602000", "rsj", "职工参保登记", P, IN, 5, 0, "不收费", 0, True,
     ["labour_contract", "id_card"], [*FIRM, "applicant.name", "applicant.id_number"], ["social_security"], ["biz_hiring", "p_employment"],
     "《中华人民共和国社会保险法》第五十八条", "用人单位自用工之日起三十日内为职工办理。"),
    ("GF00603000", "rsj", "失业保险金申领", B, PR, 10, 3, "不收费", 0, True,
     ["id_card", "bank_account"], PERSON, ["social_security", "employment"], ["p_employment"],
     "《中华人民共和国社会保险法》第四十五条", "非因本人意愿中断就业，已办理失业登记并有求职要求。"),
    ("GF00604000", "rsj", "就业创业证申领", P, IN, 5, 0, "不收费", 0, True,
     ["id_card", "photo"], PERSON, ["employment"], ["p_employment"], "《就业服务与就业管理规定》第六十三条", "法定劳动年龄内的劳动者。"),
    ("GF00605000", "rsj", "城乡居民养老保险待遇申领", B, PR, 10, 5, "不收费", 1, False,
     ["id_card", "hukou", "bank_account"], PERSON, ["social_security"], ["p_elderly"],
     "《国务院关于建立统一的城乡居民基本养老保险制度的意见》", "年满60周岁，累计缴费满15年。"),
    ("GF00701000", "ybj", "医保异地就医备案", P, IN, 5, 0, "不收费", 0, True,
     ["medical_card", "residence_proof", "referral_form"], [*PERSON, "medical.city"], ["medical_insurance"], ["p_medical"],
     "《国家医疗保障局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》（医保发〔2022〕22号）",
     "参保人员异地长期居住或临时外出就医。"),
    ("GF00702000", "ybj", "城乡居民医保参保登记", P, IN, 5, 0, "不收费", 0, True,
     ["id_card", "hukou"], PERSON, ["medical_insurance"], ["p_birth", "p_medical"], "《中华人民共和国社会保险法》第二十五条", "未参加职工医保的城乡居民。"),
    ("GF00703000", "ybj", "门诊慢特病待遇认定", C, PR, 15, 10, "不收费", 1, True,
     ["medical_card", "referral_form"], PERSON, ["medical_insurance"], ["p_medical"], "本省基本医疗保险门诊慢特病管理办法", "参保人员患有规定的慢性病、特殊疾病。"),
    ("QR00801000", "gaj", "居民身份证换领", C, PR, 60, 20, "20元（工本费）", 1, False,
     ["old_id_card", "hukou", "photo"], PERSON, ["identity"], ["p_living"], "《中华人民共和国居民身份证法》第十一条",
     "居民身份证有效期满、证件信息变更或严重损坏不能辨认。"),
    ("QR00802000", "gaj", "出生登记", C, IN, 3, 0, "不收费", 1, False,
     ["birth_cert", "hukou", "marriage_proof"], PERSON, ["identity"], ["p_birth"], "《中华人民共和国户口登记条例》第七条",
     "婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居申报。"),
    ("QR00803000", "gaj", "死亡户口注销", C, IN, 3, 0, "不收费", 1, False,
     ["death_proof", "hukou"], PERSON, ["identity"], ["p_death"], "《中华人民共和国户口登记条例》第八条", "公民死亡后一个月以内申报注销户口。"),
    ("QT00804000", "gaj", "印章刻制备案", OTH, IN, 1, 0, "不收费", 0, True,
     ["seal_form", "business_licence", "seal_sample"], [*FIRM, "seal.count"], ["market_entry"], ["biz_entry"],
     "《印铸刻字业暨印章管理办法》；《国务院关于第三批取消中央指定地方实施行政许可事项的决定》（国发〔2017〕7号）",
     "企业设立登记后刻制公章、财务专用章等。"),
    ("XK00805000", "gaj", "道路交通事故处理（简易程序）", OTH, IN, 10, 0, "不收费", 1, False,
     ["id_card"], PERSON, ["transport"], ["p_travel"], "《道路交通事故处理程序规定》第十九条", "未造成人身伤亡的轻微道路交通事故。"),
    ("QT00901000", "swj", "新办纳税人套餐（税务信息确认）", OTH, IN, 1, 0, "不收费", 0, True,
     ["business_licence", "tax_officer_info"], FIRM, ["tax", "market_entry"], ["biz_entry", "biz_tax"],
     "《中华人民共和国税收征收管理法》第十五条", "领取营业执照的新办纳税人。"),
    ("QT00902000", "swj", "发票领用（首次申领）", OTH, IN, 1, 0, "不收费", 0, True,
     ["business_licence", "invoice_application", "tax_officer_info"], FIRM, ["tax", "market_entry"], ["biz_entry", "biz_tax"],
     "《中华人民共和国发票管理办法》第十五条", "已办理税务信息确认的纳税人。"),
    ("QT00903000", "swj", "税务注销（即办）", OTH, PR, 20, 1, "不收费", 0, True,
     ["business_licence", "tax_receipt"], FIRM, ["tax"], ["biz_exit"], "《中华人民共和国税收征收管理法实施细则》第十五条", "未处于税务检查状态、无欠税。"),
    ("XK01001000", "sthj", "排污许可证核发", L, PR, 20, 15, "不收费", 1, True,
     ["application_form", "business_licence", "eia_form", "pollution_description", "monitoring_plan"], [*FIRM, "emission.type"],
     ["environment"], ["biz_operation", "biz_entry"], "《排污许可管理条例》第十一条",
     "依法取得建设项目环境影响评价文件审批意见或备案，污染防治设施符合要求。"),
    ("QT01002000", "sthj", "排污登记（餐饮油烟）", OTH, IN, 5, 0, "不收费", 0, True,
     ["business_licence", "pollution_description"], [*FIRM, "shop.address", "emission.type"], ["environment", "food_drug"], ["biz_entry"],
     "《排污许可管理条例》第二十四条；《固定污染源排污登记工作指南》", "污染物产生量、排放量很小的排污单位（含餐饮服务单位）。"),
    ("XK01003000", "sthj", "建设项目环境影响报告表审批", L, PR, 30, 10, "不收费", 1, True,
     ["application_form", "project_filing", "eia_form"], [*FIRM, "project.name", "project.address"], ["environment", "construction"], ["biz_construction"],
     "《中华人民共和国环境影响评价法》第二十二条", "可能造成轻度环境影响的建设项目。"),
    ("XK01101000", "jtj", "道路旅客运输经营许可", L, PR, 20, 10, "不收费", 1, False,
     ["application_form", "business_licence", "vehicle_list", "driver_certs", "safety_rules"], [*FIRM, "vehicle.count"],
     ["transport"], ["biz_entry"], "《中华人民共和国道路运输条例》第十条", "有与经营业务相适应并经检测合格的客车，有安全生产管理制度。"),
    ("XK01102000", "jtj", "道路货物运输经营许可", L, PR, 20, 5, "不收费", 1, True,
     ["application_form", "business_licence", "vehicle_list", "driver_certs", "safety_rules"], [*FIRM, "vehicle.count"],
     ["transport"], ["biz_entry"], "《中华人民共和国道路运输条例》第二十四条", "有与其经营业务相适应并经检测合格的车辆。"),
    ("XK01103000", "jtj", "公路超限运输许可", L, PR, 15, 5, "不收费", 0, True,
     ["application_form", "vehicle_list"], [*FIRM, "vehicle.count"], ["transport"], ["biz_operation"],
     "《中华人民共和国公路法》第五十条；《超限运输车辆行驶公路管理规定》", "车辆装载不可解体物品超限。"),
    ("XK01201000", "swuj", "取水许可", L, PR, 45, 20, "不收费", 1, False,
     ["application_form", "business_licence", "water_report", "metering_plan"], [*FIRM, "water.amount"], ["water", "environment"],
     ["biz_operation", "biz_construction"], "《取水许可和水资源费征收管理条例》第二十条", "直接从江河、湖泊或者地下取用水资源。"),
    ("XK01202000", "swuj", "生产建设项目水土保持方案审批", L, PR, 20, 10, "不收费", 1, True,
     ["application_form", "project_filing"], [*FIRM, "project.name"], ["water", "construction"], ["biz_construction"],
     "《中华人民共和国水土保持法》第二十五条", "在山区、丘陵区等容易发生水土流失的区域开办生产建设项目。"),
    ("GG01301000", "gdj", "低压用电报装", P, PR, 15, 3, "不收费（用户红线外工程由供电企业投资）", 0, True,
     ["power_application", "id_card", "premises_proof", "load_list"], [*FIRM, "shop.address", "power.capacity"], ["utilities"],
     ["biz_entry", "biz_construction"], "《电力供应与使用条例》第二十四条；《供电营业规则》", "用电地址产权清晰，报装容量160千瓦及以下。"),
    ("GG01302000", "swuj", "用水报装", P, PR, 10, 3, "按本县水价文件执行，接水工程不另收费", 0, True,
     ["water_application", "id_card", "premises_proof", "site_plan"], [*FIRM, "shop.address", "water.diameter"], ["utilities"],
     ["biz_entry", "biz_construction"], "《城市供水条例》第二十二条", "用水地址在公共供水管网覆盖范围内。"),
    ("GG01303000", "zjj", "燃气报装", P, PR, 10, 4, "按本县燃气工程收费标准执行", 1, True,
     ["gas_application", "id_card", "premises_proof", "site_plan"], [*FIRM, "shop.address", "gas.usage"], ["utilities"],
     ["biz_entry", "biz_construction"], "《城镇燃气管理条例》第十七条", "用气地址在燃气管网覆盖范围内，用气场所符合安全条件。"),
    ("GG01304000", "gxj", "宽带网络报装", P, PR, 5, 2, "按运营商资费标准", 0, True,
     ["broadband_application", "id_card"], [*FIRM, "shop.address", "net.bandwidth"], ["utilities"], ["biz_entry"],
     "《电信条例》第三十二条", "安装地址在光纤网络覆盖范围内。"),
    ("XK01401000", "mzj", "社会团体成立登记", L, PR, 60, 20, "不收费", 1, False,
     ["org_certificate", "id_card", "assets_proof", "premises_proof"], PERSON, ["civil_affairs"], ["biz_entry"],
     "《社会团体登记管理条例》第十一条", "有50个以上个人会员或30个以上单位会员，有规范的名称和相应的组织机构。"),
    ("GF01402000", "mzj", "最低生活保障审核确认", B, PR, 30, 20, "不收费", 0, True,
     ["id_card", "hukou", "income_proof"], PERSON, ["civil_affairs"], ["p_relief"], "《社会救助暂行办法》第十一条",
     "共同生活的家庭成员人均收入低于当地最低生活保障标准且符合财产状况规定。"),
    ("GF01403000", "mzj", "婚姻登记（结婚）", C, IN, 1, 0, "不收费", 1, False,
     ["id_card", "hukou", "photo"], PERSON, ["civil_affairs"], ["p_living"], "《婚姻登记条例》第五条", "双方自愿，达到法定婚龄，无禁止结婚情形。"),
    ("XK01501000", "wlj", "娱乐场所经营许可", L, PR, 20, 10, "不收费", 1, False,
     ["application_form", "business_licence", "premises_proof", "fire_commitment"], [*FIRM, "shop.address", "shop.area"],
     ["culture_tourism"], ["biz_entry"], "《娱乐场所管理条例》第九条", "娱乐场所的设置符合规定，场所面积、设施符合标准。"),
    ("XK01601000", "yjj", "危险化学品经营许可", L, PR, 30, 15, "不收费", 2, False,
     ["application_form", "business_licence", "premises_proof", "safety_rules"], [*FIRM, "shop.address"],
     ["safety"], ["biz_entry"], "《危险化学品安全管理条例》第三十三条、第三十四条", "有符合国家标准的经营场所和安全管理制度。"),
    ("QT01701000", "xzsp", "公众聚集场所投入使用、营业前消防安全检查", INSP, PR, 10, 3, "不收费", 1, True,
     ["application_form", "business_licence", "fire_commitment", "layout_plan"], [*FIRM, "shop.address", "shop.area"],
     ["safety", "market_entry"], ["biz_entry"], "《中华人民共和国消防法》第十五条",
     "宾馆、饭店、商场、集贸市场、客运车站候车室等公众聚集场所投入使用、营业前。"),
]

FAQ = {
    "XK00201000": [
        {"q": "开办餐饮店需要先办营业执照吗？", "a": "可以通过“开办餐饮店”一件事一次提交，营业执照与食品经营许可并联办理。"},
        {"q": "从业人员健康证明还没办好怎么办？", "a": "健康证明可容缺受理，签署承诺书后在承诺期限内补交即可。"},
    ],
    "XK00101000": [
        {"q": "企业开办需要跑几次？", "a": "全程网办，营业执照、印章、发票和社保登记一次办结，最多跑一次领取实体证照。"},
    ],
    "GF00701000": [{"q": "备案后多久生效？", "a": "备案即时生效，可在备案就医地直接结算。"}],
}
SPECIAL = {
    "XK00401000": [{"name": "批前公示", "max_days": 7, "counted": False}],
    "XK00201000": [{"name": "现场核查", "max_days": 5, "counted": False}],
    "XK01201000": [{"name": "专家评审", "max_days": 15, "counted": False}],
}

# (code, name, lead unit, promised days, members (base codes), description, life event, theme)
PACKAGES = [
    ("open-restaurant", "开办餐饮店", "xzsp", 5,
     ["XK00101000", "XK00201000", "XK00301000", "QT01701000", "QT01002000"],
     "开一家餐饮店需要的营业执照、食品经营许可、公共场所卫生许可、消防安全检查和排污登记，一张表单、一套材料、一窗受理、并联审批。",
     "biz_entry", "food_drug"),
    ("open-business", "企业开办", "xzsp", 1,
     ["XK00101000", "QT00804000", "QT00901000", "QT00902000", "GF00601000"],
     "营业执照、印章刻制、税务信息确认和发票申领、社保参保登记一次办结，全程网办、1个工作日内办结。",
     "biz_entry", "market_entry"),
    ("utilities-connection", "水电气网联合报装", "xzsp", 3,
     ["GG01301000", "GG01302000", "GG01303000", "GG01304000"],
     "用电、用水、用气、宽带报装一次申请，联合踏勘，同步接入。", "biz_construction", "utilities"),
]


def _version_kwargs(row):
    (base, _unit, name, mtype, kind, legal, promised, fee, visits, online, _materials, _fields, themes, events,
     basis, conditions) = row
    return {
        "name": name, "matter_type": mtype, "handling_kind": kind, "legal_limit_days": legal, "promised_limit_days": promised,
        "fee": fee, "max_visits": visits, "online": online, "conditions": conditions, "legal_basis": basis, "address": HALL,
        "hours": HOURS, "phone": "0399-12345", "faq": FAQ.get(base, []), "themes": themes, "life_events": events,
        "special_procedures": SPECIAL.get(base, []), "appointment": not online or visits > 0,
    }


def material_rows(keys, name):
    rows = []
    for i, key in enumerate(keys):
        mname, form, deficit, commit, notes = MATERIALS[key]
        if key == "application_form":
            mname = f"《{name}》申请表"
        rows.append({"key": key, "name": mname, "required": key != "agent_authorisation", "form": form, "copies": 1,
                         "deficit_allowed": deficit, "commitment_replaces": commit, "notes": notes, "order": i})
    return rows


def field_rows(keys):
    rows = []
    for i, key in enumerate(keys):
        label, ftype, required, source, choices = FIELDS[key]
        rows.append({"key": key, "label": label, "field_type": ftype, "required": required, "profile_source": source,
                         "choices": choices, "order": i})
    return rows


EXAMPLES = {"firm.name": "示范县味道餐饮管理有限公司", "firm.uscc": "91139999MA0DEMX02X", "firm.legal_rep": "赵小龙",
            "applicant.name": "张三", "applicant.mobile": "13800138000", "applicant.id_number": "11010519491231002X",
            "shop.name": "味道小馆", "shop.address": "示范县城关镇人民路18号", "shop.area": "120",
            "food.category": "热食类食品制售", "firm.address": "示范县城关镇人民路18号"}


def _form_file(base: str, name: str, field_keys, *, example: bool) -> str:
    """A blank (or filled-in example) application form as .xlsx under MEDIA_ROOT; written once."""
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = f"catalog/demo/{base}-{'example' if example else 'template'}.xlsx"
    if default_storage.exists(path):
        return path
    wb = Workbook()
    ws = wb.active
    ws.title = "申请表"
    ws.append([f"《{name}》申请表" + ("（填写示例）" if example else "")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    for key in field_keys:
        label = FIELDS[key][0]
        ws.append([label, EXAMPLES.get(key, "（示例）") if example else ""])
    ws.append([])
    ws.append(["申请人（签字/盖章）", "张三" if example else ""])
    ws.append(["申请日期", "2026年11月22日" if example else "    年  月  日"])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 48
    buffer = io.BytesIO()
    wb.save(buffer)
    return default_storage.save(path, ContentFile(buffer.getvalue()))


WITH_EXAMPLE = {"XK00101000", "XK00201000", "XK00301000", "XK00401000", "XK00501000"}


@transaction.atomic
def load_demo(ctx) -> None:
    units = ctx.data["units"]
    admin = ctx.data["admin"]
    by_base = {}
    for row in MATTERS:
        base, unit_code = row[0], row[1]
        unit = units.get(unit_code) or units["xzsp"]
        matter = Matter.objects.filter(base_code=base, unit=unit).first()
        if matter is None:
            materials = material_rows(row[10], row[2])
            for material in materials:
                if material["key"] == "application_form":
                    material["template"] = _form_file(base, row[2], row[11], example=False)
                    if base in WITH_EXAMPLE:
                        material["example"] = _form_file(base, row[2], row[11], example=True)
            matter = services.matter_create(
                actor=admin, unit=unit, base_code=base, materials=materials,
                form_fields=field_rows(row[11]), note="示范目录首次发布", **_version_kwargs(row),
            )
        by_base[base] = matter
    for code, name, lead, days, members, description, event, theme in PACKAGES:
        if Package.objects.filter(code=code).exists():
            continue
        services.package_create(actor=admin, code=code, name=name, lead_unit=units[lead], promised_limit_days=days,
                                matters=[by_base[b] for b in members], description=description, life_event=event,
                                theme=theme)
    ctx.data["matters"] = by_base
    ctx.data["packages"] = {p.code: p for p in Package.objects.all()}
    ctx.log(f"    {len(by_base)} matters, {Package.objects.count()} packages")


# Matters a town's 便民服务中心 handles (for the benchmark volume).
TOWN_MATTERS = [
    ("GF10001", "农村村民宅基地申请审批", L, PR, 20, 15, ["application_form", "id_card", "hukou", "land_proof"], ["real_estate"], ["p_housing"],
     "《中华人民共和国土地管理法》第六十二条", "本集体经济组织成员，一户一宅。"),
    ("GF10002", "乡村建设规划许可", L, PR, 20, 10, ["application_form", "id_card", "design_scheme"], ["construction"], ["p_housing"],
     "《中华人民共和国城乡规划法》第四十一条", "在乡、村庄规划区内进行农村村民住宅建设。"),
    ("GF10003", "残疾人两项补贴申领", B, PR, 20, 10, ["application_form", "id_card", "bank_account"], ["civil_affairs"], ["p_relief"],
     "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》", "持有第二代残疾人证的困难残疾人、重度残疾人。"),
    ("GF10004", "临时救助申请", B, PR, 10, 5, ["application_form", "id_card", "income_proof"], ["civil_affairs"], ["p_relief"],
     "《社会救助暂行办法》第四十七条", "因突发事件、意外伤害等导致基本生活暂时出现严重困难的家庭或个人。"),
    ("GF10005", "高龄津贴申领", B, PR, 15, 5, ["id_card", "hukou", "bank_account"], ["civil_affairs"], ["p_elderly"],
     "本省老年人权益保障条例", "年满80周岁的本地户籍老年人。"),
    ("GF10006", "生育登记", P, IN, 1, 0, ["id_card", "marriage_proof"], ["health"], ["p_birth"],
     "《中华人民共和国人口与计划生育法》", "夫妻双方生育子女。"),
    ("GF10007", "城乡居民医保参保缴费", P, IN, 1, 0, ["id_card", "hukou"], ["medical_insurance"], ["p_medical"],
     "《中华人民共和国社会保险法》第二十五条", "未参加职工医保的城乡居民。"),
    ("GF10008", "老年人优待证办理", P, IN, 5, 0, ["id_card", "photo"], ["civil_affairs"], ["p_elderly"],
     "《中华人民共和国老年人权益保障法》第五十七条", "年满60周岁的老年人。"),
    ("GF10009", "农机购置补贴申请", B, PR, 20, 15, ["application_form", "id_card", "bank_account"], ["employment"], ["biz_operation"],
     "《农业机械购置与应用补贴实施指导意见》", "从事农业生产的个人和农业生产经营组织。"),
    ("GF10010", "就业困难人员认定", C, PR, 10, 5, ["application_form", "id_card"], ["employment"], ["p_employment"],
     "《中华人民共和国就业促进法》第五十二条", "法定劳动年龄内、有劳动能力和就业愿望的困难人员。"),
    ("GF10011", "城乡居民养老保险参保登记", P, IN, 1, 0, ["id_card", "hukou"], ["social_security"], ["p_elderly"],
     "《国务院关于建立统一的城乡居民基本养老保险制度的意见》", "年满16周岁、不符合职工基本养老保险参保条件的城乡居民。"),
    ("GF10012", "居住证申领", C, PR, 15, 10, ["id_card", "residence_proof", "photo"], ["identity"], ["p_living"],
     "《居住证暂行条例》第九条", "离开常住户口所在地，在本地居住半年以上。"),
]
SUB_ITEMS = ["变更", "延续", "注销"]


def generate(ctx, scale) -> dict:
    """A few hundred extra matters (bulk-created, no services) for benchmarks: the sub-items
    (变更/延续/注销) of the demo licences and the matters of every town's service centre."""
    from yingshang.org.models import Unit

    if scale.factor <= 0:
        return {"matters": 0}
    units = {u.code: u for u in Unit.objects.all()}
    towns = list(Unit.objects.filter(kind=Unit.Kind.TOWN).order_by("id"))
    existing = set(Matter.objects.values_list("implementation_code", flat=True))
    rows = []  # (base code, unit, version kwargs, material keys, field keys)
    for row in MATTERS:
        unit = units.get(row[1])
        if unit is None or row[3] != MatterType.LICENSING:
            continue
        for k, variant in enumerate(SUB_ITEMS, start=1):
            kwargs = _version_kwargs(row)
            kwargs.update(name=f"{row[2]}（{variant}）", faq=[], special_procedures=[],
                          promised_limit_days=max(0, row[6] - 2), legal_limit_days=row[5])
            rows.append((f"{row[0][:-3]}00{k}", unit, kwargs, row[10], row[11]))
    for town in towns:
        for base, name, mtype, kind, legal, promised, mats, themes, events, basis, conditions in TOWN_MATTERS:
            kwargs = {
                "name": name, "matter_type": mtype, "handling_kind": kind, "legal_limit_days": legal, "promised_limit_days": promised,
                "fee": "不收费", "max_visits": 1, "online": False, "conditions": conditions, "legal_basis": basis,
                "address": f"{town.name}便民服务中心", "hours": HOURS, "phone": town.phone, "faq": [], "themes": themes,
                "life_events": events, "special_procedures": [], "appointment": True,
            }
            rows.append((f"{base}000", town, kwargs, mats, PERSON))
    pending = []
    for base, unit, kwargs, mats, fields in rows:
        code = services.implementation_code_for(base, unit)
        if code not in existing:
            pending.append((Matter(base_code=base, implementation_code=code, unit=unit, name_cache=kwargs["name"]),
                            kwargs, mats, fields))
    matters = [p[0] for p in pending]
    Matter.objects.bulk_create(matters, batch_size=500)
    versions = [MatterVersion(matter=m, version=1, change_note="批量生成", **kwargs) for m, kwargs, _m, _f in pending]
    MatterVersion.objects.bulk_create(versions, batch_size=500)
    materials, fields = [], []
    for version, (_m, kwargs, mats, field_keys) in zip(versions, pending, strict=True):
        materials.extend(Material(version=version, **d) for d in material_rows(mats, kwargs["name"]))
        fields.extend(FormField(version=version, **d) for d in field_rows(field_keys))
    Material.objects.bulk_create(materials, batch_size=1000)
    FormField.objects.bulk_create(fields, batch_size=1000)
    for matter, version, (_m, kwargs, mats, _f) in zip(matters, versions, pending, strict=True):
        matter.current_version = version
        names = " ".join(MATERIALS[k][0] for k in mats)
        matter.search_text = f"{kwargs['name']}\n{names}\n{matter.unit.name}\n{kwargs['conditions']}".lower()
    Matter.objects.bulk_update(matters, ["current_version", "search_text"], batch_size=500)
    return {"matters": len(matters)}
