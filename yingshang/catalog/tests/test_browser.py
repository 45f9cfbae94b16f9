import pytest
from playwright.sync_api import expect


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_anonymous_phone_user_searches_canyin_and_sees_merged_restaurant_materials(
    demo_catalog, page
):
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto("/")
    page.get_by_label("搜索办事事项").fill("餐饮")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("package-results")).to_contain_text("开办餐饮店")
    expect(page.get_by_test_id("matter-results")).to_contain_text("食品经营许可")
    page.get_by_test_id("package-results").get_by_role("link", name="开办餐饮店").click()
    expect(page.get_by_role("heading", name="开办餐饮店")).to_be_visible()
    materials = page.get_by_test_id("materials")
    expect(materials).to_contain_text("经营场所使用证明（产权证明或租赁合同）")
    expect(materials).to_contain_text("可容缺")
    # the shared material is listed once, with every member matter that needs it
    row = materials.locator("tr", has_text="经营场所使用证明")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("食品经营许可")
    expect(row).to_contain_text("公共场所卫生许可")
    expect(page.get_by_test_id("package-members")).to_contain_text(
        "公众聚集场所投入使用、营业前消防安全检查"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_chooses_a_county_and_reads_its_localised_guide(page):
    from yingshang.catalog import services
    from yingshang.catalog.tests.factories import MatterFactory
    from yingshang.testing.city import make_city

    c = make_city()
    city_matter = MatterFactory(actor=c.admin, unit=c.city_office, name="惠企政策兑现申请")
    services.matter_localise(
        actor=c.admin,
        source=city_matter,
        unit=c.dept_a,
        changes={"phone": "0399-6612345"},
        note="A县承接",
    )
    page.goto("/")
    page.get_by_label("选择区县").select_option(label="A县")
    page.get_by_role("button", name="查看本区县事项").click()
    expect(page.get_by_test_id("county-current")).to_have_text("A县")
    results = page.get_by_test_id("matter-results")
    expect(results.get_by_role("link", name="惠企政策兑现申请")).to_have_count(1)
    expect(results).to_contain_text("A县市场监管局")
    expect(results).not_to_contain_text("市营商办")
    # 全市: the city's guide and the county's, as before
    page.get_by_label("选择区县").select_option(label="全市")
    page.get_by_role("button", name="查看本区县事项").click()
    expect(results.get_by_role("link", name="惠企政策兑现申请")).to_have_count(2)
