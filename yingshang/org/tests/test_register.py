import pytest
from django.urls import reverse

from yingshang.audit.models import AuditEvent
from yingshang.enterprises.models import Firm
from yingshang.org.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "Apply2026pass"


def _person(client, **over):
    data = {
        "kind": "person",
        "p-real_name": "李四",
        "p-id_number": "34052419800101001X",
        "p-mobile": "13700001111",
        "p-password": PASSWORD,
        "p-password2": PASSWORD,
    }
    data.update(over)
    return client.post(reverse("register"), data)


def _firm(client, **over):
    data = {
        "kind": "firm",
        "f-uscc": "91110108551385082Q",
        "f-firm_name": "小米科技有限责任公司",
        "f-contact_name": "王五",
        "f-mobile": "13700002222",
        "f-password": PASSWORD,
        "f-password2": PASSWORD,
    }
    data.update(over)
    return client.post(reverse("register"), data)


def test_person_registers_with_a_valid_id_number(client):
    response = _person(client)
    assert response.status_code == 302
    user = User.objects.get(mobile="13700001111")
    assert (user.kind, user.id_number, user.real_name) == ("person", "34052419800101001X", "李四")
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).exists()


def test_altered_id_number_is_refused_with_a_message_and_input_kept(client):
    response = _person(client, **{"p-id_number": "340524198001010019"})
    text = response.content.decode()
    assert response.status_code == 200 and "校验位不正确" in text
    assert 'value="李四"' in text
    assert not User.objects.filter(mobile="13700001111").exists()


def test_firm_registers_with_a_valid_uscc_and_is_bound_to_it(client):
    assert _firm(client).status_code == 302
    user = User.objects.get(mobile="13700002222")
    assert user.kind == "firm" and user.firm.uscc == "91110108551385082Q"


def test_invalid_uscc_and_second_account_for_a_firm_are_refused(client):
    assert "校验位不正确" in _firm(client, **{"f-uscc": "91110108551385082R"}).content.decode()
    assert not Firm.objects.exists()
    _firm(client)
    client.logout()
    again = _firm(client, **{"f-mobile": "13700003333"})
    assert "该企业已注册账号" in again.content.decode()
    assert User.objects.filter(kind="firm").count() == 1


def test_weak_password_is_refused(client):
    response = _person(client, **{"p-password": "12345678901", "p-password2": "12345678901"})
    assert "字母和数字" in response.content.decode()


# --- identifiers typed in full width or with spaces (issue 17) ------------------------------------
def test_full_width_id_number_registers_once_in_its_normalised_form(client):
    response = _person(client, **{"p-id_number": "３４０５２４１９８００１０１００１X"})
    assert response.status_code == 302
    assert User.objects.get(mobile="13700001111").id_number == "34052419800101001X"
    client.logout()
    _person(client, **{"p-mobile": "13700001112"})  # same person, typed in ASCII
    # the answer does not tell whether the person is registered; no second account is made
    assert User.objects.filter(kind="person").count() == 1


def test_full_width_mobile_registers_as_digits_and_logs_in_by_any_spelling(client):
    response = _person(client, **{"p-mobile": "１３７ ００００ １１１１"})
    assert response.status_code == 302
    user = User.objects.get(kind="person")
    assert (user.mobile, user.username) == ("13700001111", "13700001111")
    client.logout()
    login = client.post(reverse("login"), {"username": "137-0000-1111", "password": PASSWORD})
    assert login.status_code == 302


def test_uscc_typed_in_lower_case_full_width_or_spaced_is_one_firm(client):
    assert (
        _firm(client, **{"f-uscc": "９１１１ ０１０８ ５５１３ ８５０８ ２ｑ"}).status_code == 302
    )
    assert Firm.objects.get().uscc == "91110108551385082Q"
    client.logout()
    again = _firm(client, **{"f-uscc": "91110108551385082q", "f-mobile": "13700003333"})
    assert "该企业已注册账号" in again.content.decode()
    assert Firm.objects.count() == 1


def test_uscc_123_is_refused_with_its_length_message(client):
    response = _firm(client, **{"f-uscc": "123"})
    assert response.status_code == 200 and "统一社会信用代码应为18位" in response.content.decode()
    assert not Firm.objects.exists()


def test_registering_a_known_mobile_answers_like_a_new_registration(client):
    first = _person(client)
    client.logout()
    again = _person(
        client, **{"p-real_name": "冒名", "p-id_number": "110105198001010032"}
    )  # same mobile, another person
    assert (first.status_code, first.url) == (again.status_code, again.url)
    assert User.objects.filter(mobile="13700001111").count() == 1
    assert "已注册" not in client.get(again.url).content.decode().replace(
        "如该手机号码此前已注册", ""
    )


def test_registration_then_login_with_the_mobile(client):
    response = _person(client)
    assert response.status_code == 302 and response.url == reverse("login")
    assert "注册已提交" in client.get(response.url).content.decode()
    login = client.post(reverse("login"), {"username": "13700001111", "password": PASSWORD})
    assert login.status_code == 302
