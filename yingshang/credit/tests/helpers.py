"""Small builders for the credit tests: a tiny valid PDF, the three repair materials."""

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def materials() -> dict:
    return {
        "form": [pdf("修复申请表.pdf")],
        "pledge": [pdf("信用修复承诺书.pdf")],
        "proof": [pdf("罚款缴纳凭证.pdf")],
    }
