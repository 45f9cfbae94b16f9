"""A web worker loads the app and every URL module at start; the heavy libraries behind the
exports, the imports and the Chinese search (openpyxl with numpy, python-docx, jieba with
pkg_resources: ~60 MB together) are imported only when one of those runs
(bench/analysis.md, session 17)."""

import os
import subprocess
import sys

HEAVY = ("openpyxl", "numpy", "docx", "jieba", "pkg_resources")

LOAD_LIKE_A_WORKER = f"""
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
print(",".join(m for m in {HEAVY!r} if m in sys.modules))
"""


def test_a_web_worker_starts_without_the_heavy_libraries(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yingshang.settings"}
    env.setdefault("YINGSHANG_DATA_DIR", str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", LOAD_LIKE_A_WORKER],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip() == "", f"imported at start: {out.stdout.strip()}"


def test_an_export_and_a_search_load_them_when_they_run():
    import io

    from openpyxl import load_workbook

    from yingshang.knowledge import text
    from yingshang.spreadsheets import workbook

    buffer = io.BytesIO()
    workbook("办件", ["名称"], [["=HYPERLINK(1)"]]).save(buffer)
    sheet = load_workbook(buffer).worksheets[0]
    assert sheet.title == "办件"
    assert sheet["A2"].value == "=HYPERLINK(1)" and sheet["A2"].data_type == "s"  # text stays text
    assert text.search_tokens("营业执照") == ["营业", "执照", "营业执照"]
