"""Chinese pages say and announce nothing in English (issue 18: "Website", 500.html,
aria-label="{% trans '位置' %}", "Top-1/Top-3")."""

import re
from pathlib import Path

import pytest
from django.template import loader
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
# words a screen reader or a person would meet: attributes that are read out or shown
ANNOUNCED = re.compile(r'(aria-label|placeholder|title|alt)="([^"]*)"')
TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)


def test_no_template_announces_hard_coded_english():
    found = []
    for path in ROOT.rglob("templates/**/*.html"):
        for m in ANNOUNCED.finditer(path.read_text()):
            if re.search(r"[A-Za-z]{2,}", TEMPLATE_TAG.sub("", m.group(2))):
                found.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert found == []


def test_server_error_page_is_chinese_only():
    with translation.override("zh-hans"):
        html = loader.get_template("500.html").render({})
    text = re.sub(r"<[^>]+>", " ", html)
    assert "系统暂时出现问题" in text
    assert not re.search(r"[A-Za-z]{3,}", text), text
    with translation.override("en"):
        assert "系统暂时出现问题" not in loader.get_template("500.html").render({})


@pytest.mark.django_db
def test_hotline_form_has_no_english_label(client):
    html = client.get("/hotline/submit/").content.decode()
    assert "Website" not in html
    # the honeypot is there, hidden with its label
    assert re.search(r'<div class="d-none" aria-hidden="true">\s*<label[^>]*>请勿填写此项', html)


@pytest.mark.django_db
def test_dispatch_model_page_names_its_accuracies(login, personas):
    html = login(personas.admin).get("/staff/knowledge/dispatch-model/")
    assert html.status_code == 200
    html = html.content.decode()
    assert "Top-1" not in html and "Top-3" not in html
