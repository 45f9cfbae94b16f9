"""Demo knowledge base: ~30 answers a county 12345 sub-centre really gives, and (after the
hotline's demo orders exist) a first smart-dispatch model trained on them."""

import datetime as dt

from django.utils import timezone

from yingshang.knowledge import services
from yingshang.knowledge.models import DispatchModel, KnowledgeArticle
from yingshang.org.models import Unit, User

P, F, G = (
    KnowledgeArticle.Kind.POLICY_ANSWER,
    KnowledgeArticle.Kind.FAQ,
    KnowledgeArticle.Kind.GUIDE,
)

# (title, kind, unit codes, topic code, keywords, body)
ARTICLES = [
    (
        "个体工商户营业执照怎么办理",
        G,
        ["scjg", "xzsp"],
        "market-registration",
        "营业执照,个体户,登记",
        "个体工商户登记可通过“省市场主体登记全程电子化平台”网上办理，也可到县政务服务中心一楼市场监管窗口办理。\n"
        "所需材料：经营者身份证、经营场所使用证明（租赁合同或产权证明）。\n办理时限：材料齐全的当场办结，免费领取营业执照。",
    ),
    (
        "公司设立登记（企业开办）需要多长时间",
        P,
        ["scjg", "xzsp"],
        "market-registration",
        "企业开办,公司设立,时限,一网通办",
        "我县企业开办实行“一网通办、一窗通取”，设立登记、公章刻制、发票申领、社保登记、公积金缴存登记一次提交。\n"
        "全流程压缩至1个工作日内办结，公章刻制费用由县财政承担，新开办企业免费领取首套印章。",
    ),
    (
        "食品经营许可证申请条件",
        P,
        ["scjg"],
        "food-license",
        "食品经营许可,餐饮,许可证,条件",
        "申请食品经营许可应当具备：与经营的食品品种、数量相适应的经营场所，并与有毒有害场所保持规定距离；"
        "相应的设备设施；专职或兼职的食品安全管理人员和管理制度；合理的设备布局和工艺流程。\n"
        "仅销售预包装食品的实行备案管理，不需申请许可。材料齐全的，一般在10个工作日内作出决定，我县承诺5个工作日。",
    ),
    (
        "小餐饮登记证怎么办",
        G,
        ["scjg"],
        "food-license",
        "小餐饮,登记证,摊贩",
        "从业人员不超过5人、经营面积较小的小餐饮店实行登记管理，到市场监管局食品经营监管科或乡镇市场监管所提出申请，"
        "提交身份证、健康证明、经营场所证明，现场核查合格后发放小餐饮登记证。",
    ),
    (
        "企业职工社会保险怎么参保登记",
        G,
        ["rsj"],
        "social-insurance",
        "社保,参保,登记,职工",
        "用人单位应自用工之日起30日内为职工办理社会保险登记。新开办企业在企业开办环节同步完成单位参保登记，"
        "职工增员可通过“电子税务局”或人社网上办事大厅办理，也可到县政务服务中心社保窗口办理。",
    ),
    (
        "灵活就业人员如何缴纳养老保险",
        F,
        ["rsj", "swj"],
        "social-insurance",
        "灵活就业,养老保险,缴费",
        "灵活就业人员可持身份证到社保窗口办理参保登记，缴费基数在全省上年度社平工资60%–300%之间自选，"
        "登记后通过税务部门的App、微信或银行柜台缴费。",
    ),
    (
        "医保异地就医备案怎么办理",
        G,
        ["ybj"],
        "medical-insurance",
        "医保,异地就医,备案,转诊",
        "异地长期居住人员、常驻异地工作人员、异地转诊人员可通过“国家医保服务平台”App、省医保公共服务平台或县医保局窗口办理备案，"
        "即时办结。临时外出就医人员也可先备案后就医，备案有效期内可直接结算。",
    ),
    (
        "城乡居民医保缴费时间和标准",
        F,
        ["ybj", "swj"],
        "medical-insurance",
        "居民医保,缴费,标准",
        "城乡居民医保集中缴费期一般为每年9月至12月，缴纳次年的医保费。个人缴费标准以当年省医保局、税务局公布为准，"
        "可通过税务App、微信、银行或村（社区）代收点缴纳。特困、低保等困难群众个人缴费部分由医疗救助资助。",
    ),
    (
        "住房公积金提取条件及办理渠道",
        F,
        [],
        "housing-fund",
        "公积金,提取,租房,购房",
        "职工购买、建造、翻建、大修自住住房，偿还购房贷款本息，租房自住，离休退休，与单位终止劳动关系未再就业等情形可以提取住房公积金。"
        "可通过市住房公积金中心网上服务大厅、手机App或县政务服务中心公积金窗口办理，材料齐全的即时办结。",
    ),
    (
        "企业被拖欠账款如何投诉（清欠投诉渠道）",
        P,
        ["gxj", "fgj"],
        "payment-arrears",
        "拖欠,账款,清欠,中小企业款项",
        "根据《保障中小企业款项支付条例》，机关、事业单位和大型企业不得拖欠中小企业货物、工程、服务款项。"
        "企业可通过12345热线、国务院“互联网+督查”平台或县工信局清欠办投诉，受理后10个工作日内反馈处理进展，"
        "投诉人的身份信息予以保密。",
    ),
    (
        "水电气报装需要哪些材料、多长时间",
        G,
        ["gdj", "swuj", "zjj"],
        "utility-connection",
        "水电气,报装,供电,供水,燃气,接入",
        "我县实行水电气联合报装，在工程建设项目审批平台或县政务服务中心水电气综合窗口一次申请。\n"
        "低压小微企业用电报装“零上门、零审批、零投资”，接电时间不超过15个工作日；供水、燃气报装材料为营业执照和用水（用气）地址证明，"
        "无外线工程的3个工作日内通水通气。",
    ),
    (
        "低压小微企业用电报装",
        G,
        ["gdj"],
        "utility-connection",
        "用电,报装,小微企业,电力",
        "160千瓦及以下小微企业采用低压方式接入电网，可通过“网上国网”App申请，供电公司提供上门服务，"
        "投资界面延伸至客户红线，客户无需承担外线工程费用。",
    ),
    (
        "不动产登记多久能办好",
        P,
        ["zrzy"],
        "real-estate",
        "不动产,登记,过户,房产证",
        "一般登记、抵押登记5个工作日内办结；查封登记、异议登记即时办结。二手房转移登记与缴税实行“一窗受理、并行办理”，"
        "材料齐全的当日可领证。",
    ),
    (
        "新建商品房交房即交证",
        P,
        ["zrzy", "zjj"],
        "real-estate",
        "交房即交证,商品房,不动产",
        "符合条件的新建商品房项目实行“交房即交证”，购房人在收房时即可领取不动产权证书。具体项目名单由自然资源局公布。",
    ),
    (
        "施工许可证办理时限",
        P,
        ["zjj", "xzsp"],
        "construction-permit",
        "施工许可,工程建设,审批",
        "房屋建筑和市政基础设施工程施工许可在材料齐全后3个工作日内办结，社会投资简易低风险项目实行告知承诺，当日办结。",
    ),
    (
        "工程建设项目审批全流程时间",
        P,
        ["xzsp", "zjj", "zrzy"],
        "construction-permit",
        "工程建设项目,审批,全流程",
        "政府投资工程建设项目从立项到竣工验收审批时间不超过80个工作日，社会投资项目不超过60个工作日，"
        "社会投资简易低风险项目不超过15个工作日。",
    ),
    (
        "增值税发票如何申领",
        G,
        ["swj"],
        "tax",
        "发票,申领,增值税,税控",
        "新办纳税人可在电子税务局“新办纳税人套餐”中一并申领发票，实行数电发票的纳税人无需领用税控设备，"
        "开具额度根据信用等级自动核定。",
    ),
    (
        "小规模纳税人增值税优惠政策",
        P,
        ["swj"],
        "tax",
        "小规模纳税人,增值税,减免,优惠",
        "小规模纳税人月销售额10万元以下（季度30万元以下）免征增值税，具体执行期限以财政部、税务总局公告为准。可拨打12366咨询。",
    ),
    (
        "身份证办理和异地换领",
        G,
        ["gaj"],
        "household",
        "身份证,换领,补领,户籍",
        "居民身份证首次申领、换领、补领可在县公安局户政窗口或各派出所办理，全国范围内可异地办理。"
        "一般20个工作日内制证完成，可选择邮寄送达。",
    ),
    (
        "户口迁移怎么办理",
        G,
        ["gaj"],
        "household",
        "户口,迁移,落户,准迁",
        "省内户口迁移实行“一站式”办理，申请人直接到迁入地派出所申请，不再需要回迁出地开具迁移证。跨省迁移按“跨省通办”办理。",
    ),
    (
        "农民工工资被拖欠怎么办",
        P,
        ["rsj"],
        "wage-arrears",
        "工资,拖欠,农民工,欠薪",
        "可向县人社局劳动保障监察大队投诉，或拨打12345、12333反映。工程建设领域欠薪由施工总承包单位先行清偿，"
        "劳动保障监察机构接到投诉后5个工作日内决定是否立案。",
    ),
    (
        "劳动合同纠纷如何申请仲裁",
        G,
        ["rsj"],
        "labor-dispute",
        "劳动仲裁,劳动合同,纠纷",
        "劳动争议仲裁申请时效为1年，向县劳动人事争议仲裁院提交仲裁申请书、身份证明和证据材料，仲裁院5日内决定是否受理。",
    ),
    (
        "营业执照经营范围变更",
        G,
        ["scjg"],
        "market-registration",
        "变更,经营范围,营业执照",
        "企业变更经营范围可通过全程电子化平台网上办理，提交变更登记申请书、股东会决议和修改后的章程（或章程修正案），"
        "材料齐全的1个工作日内办结，涉及许可项目的需另行取得许可。",
    ),
    (
        "企业简易注销条件",
        P,
        ["scjg"],
        "market-registration",
        "注销,简易注销,企业",
        "未发生债权债务或已将债权债务清偿完结、未发生或已结清清偿费用、职工工资、社会保险费用、法定补偿金、应缴纳税款的企业，"
        "可申请简易注销，公示期20日，公示期满无异议的即可办理注销登记。",
    ),
    (
        "道路货物运输经营许可",
        G,
        ["jtj"],
        "transport",
        "道路运输,货运,许可",
        "使用4.5吨及以下普通货运车辆从事普通货运经营的，无需申请道路运输经营许可证和车辆营运证。其他货运经营到县交通运输局窗口办理。",
    ),
    (
        "排污许可证怎么申请",
        G,
        ["sthj"],
        "environment",
        "排污许可,环评,登记",
        "根据《固定污染源排污许可分类管理名录》，重点管理和简化管理的排污单位在全国排污许可证管理信息平台申请，"
        "登记管理的填报排污登记表即可。审批期限为20日。",
    ),
    (
        "12345热线工单办理时限",
        P,
        ["yshj"],
        "hotline",
        "12345,时限,工单,答复",
        "咨询、求助类诉求一般3个工作日内答复；投诉、举报、建议类诉求自派单次日起13个工作日内办结；紧急诉求当日处置。"
        "办结后1个工作日内回访，对承办单位原因造成的不满意工单退回重办。",
    ),
    (
        "营商环境问题线索反映渠道",
        P,
        ["yshj", "jwjw"],
        "business-environment",
        "营商环境,线索,吃拿卡要,投诉",
        "企业和群众可通过12345热线、县营商环境建设局投诉电话、“营商通”平台反映营商环境问题线索，"
        "对吃拿卡要、推诿扯皮等作风问题，移交纪委监委依规处理，反映人信息严格保密。",
    ),
    (
        "企业宁静日和涉企检查",
        P,
        ["scjg", "sfj"],
        "business-environment",
        "企业宁静日,涉企检查,双随机",
        "我县推行“企业宁静日”制度，每月1日至20日原则上不得无故入企检查；日常监管采用“双随机、一公开”方式，"
        "同一部门对同一企业一年内抽查原则上不超过一次。",
    ),
    (
        "城区占道经营和噪音扰民投诉",
        F,
        ["cgj"],
        "city-management",
        "占道经营,噪音,扰民,城管",
        "城区占道经营、店外经营、夜间施工噪音等问题可拨打12345反映，城管局接单后2小时内到场处置，紧急情况立即处置。",
    ),
    (
        "企业申请创业担保贷款",
        P,
        ["rsj", "jrb"],
        "finance",
        "创业担保贷款,贴息,小微企业",
        "符合条件的个人可申请最高30万元、小微企业最高400万元的创业担保贷款，按规定享受财政贴息，由县人社局和合作银行受理。",
    ),
    (
        "旧版水费标准（已废止示例）",
        F,
        ["swuj"],
        "utility-connection",
        "水费,标准",
        "本条目所列水费标准已于新标准实施后废止，仅保留作历史参考。",
    ),
]


def _actor():
    return (
        User.objects.filter(username="admin").first()
        or User.objects.filter(is_superuser=True).first()
    )


def load_demo(ctx) -> None:
    actor = _actor()
    if actor is None:
        ctx.log("    knowledge: no admin account, skipped")
        return
    units = {u.code: u for u in Unit.objects.all()}
    existing = set(KnowledgeArticle.objects.values_list("title", flat=True))
    today = timezone.localdate()
    for title, kind, codes, topic, keywords, body in ARTICLES:
        if title in existing:
            continue
        expired = "废止" in title
        article = services.article_create(
            actor=actor,
            title=title,
            body=body,
            kind=kind,
            units=[units[c] for c in codes if c in units],
            topic_code=topic,
            keywords=keywords,
            valid_from=dt.date(today.year - 1, 1, 1),
            valid_until=dt.date(today.year - 1, 12, 31) if expired else None,
            publish=True,
        )
        if expired:
            services.article_withdraw(
                actor=actor, article=article, reason="新水价标准已实施，本口径废止"
            )
    # a first smart-dispatch model from the hotline's demo orders (hotline demo runs before us)
    if not DispatchModel.objects.exists():
        try:
            from yingshang.hotline import smart_dispatch

            model = smart_dispatch.train(holdout=0.2, actor=actor)
            if model is not None:
                ctx.log(
                    f"    smart dispatch: trained on {model.trained_on} orders, top-1 {model.top1_accuracy}"
                )
        except Exception as exc:  # the demo must load even if hotline data is not there yet
            ctx.log(f"    smart dispatch: not trained ({exc})")


def generate(ctx, scale) -> dict:
    """Bulk articles for benchmarks (no per-row services): variations of the demo answers."""
    n = max(scale.n(3000), len(ARTICLES))
    actor = _actor()
    if actor is None:
        return {"articles": 0}
    rows = []
    towns = ["城关镇", "东坝镇", "西河镇", "南山镇", "北塘镇", "青石镇", "柳林乡", "白马乡"]
    now = timezone.now()
    for i in range(n):
        title, kind, _codes, topic, keywords, body = ARTICLES[i % len(ARTICLES)]
        town = towns[ctx.rng.randrange(len(towns))]
        art = KnowledgeArticle(
            title=f"{title}（{town}{i}）"[:200],
            body=f"{body}\n{town}便民服务中心同样受理。",
            kind=kind,
            topic_code=topic,
            keywords=keywords,
            status=KnowledgeArticle.Status.PUBLISHED,
            created_by=actor,
            published_at=now,
        )
        services.index_fields(art)
        rows.append(art)
    KnowledgeArticle.objects.bulk_create(rows, batch_size=1000)
    return {"articles": n}
