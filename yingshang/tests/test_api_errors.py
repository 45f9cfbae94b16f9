import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/hotline/orders/1/teleport"])
def test_unknown_api_paths_answer_in_the_api_error_format(client, path):
    response = client.post(path, data={}, content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "NOT_FOUND" and body["message"] == "接口地址不存在"
