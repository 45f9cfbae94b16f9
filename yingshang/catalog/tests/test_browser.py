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
