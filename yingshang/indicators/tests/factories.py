"""Test data of the evaluation, made through the services."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from yingshang.demo.loaders.supervision import png
from yingshang.indicators import services


def evidence(name="营业执照办理时限统计表.png"):
    return SimpleUploadedFile(name, png(), content_type="image/png")


def entered(value, *, actor, number, files=True, note=""):
    return services.value_enter(
        actor=actor, value=value, number=number, note=note, files=[evidence()] if files else []
    )


def approved(value, *, lead, office, number):
    value = entered(value, actor=lead, number=number)
    value = services.value_submit(actor=lead, value=value)
    return services.value_approve(actor=office, value=value)


def workbook(rows, headers=None) -> SimpleUploadedFile:
    import openpyxl

    from yingshang.indicators.services.importer import HEADERS

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers or HEADERS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(
        "指标值.xlsx",
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
