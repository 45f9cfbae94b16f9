"""Checking uploaded files, for every module: size limit (settings.UPLOAD_MAX_BYTES), type by
content sniffing (filetype, plus a look inside zip containers for OFD/OOXML) — never by the
name — and a SHA-256 digest. Files are stored under MEDIA_ROOT (outside the web root) by the
owning module and served only through its views, which check scope."""

import hashlib
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from yingshang.errors import InvalidInput

# sniffed MIME → label shown to users: documents an applicant submits
DOCUMENTS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "application/ofd": "OFD",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}
# evidence of rectification (photos, scans, office files of any current format)
EVIDENCE = {
    **DOCUMENTS,
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/bmp": "BMP",
    "application/msword": "DOC",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.ms-powerpoint": "PPT",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
}
ALLOWED = DOCUMENTS


@dataclass
class Checked:
    file: object
    name: str
    size: int
    content_type: str
    sha256: str


def _zip_kind(head_file) -> str | None:
    """OFD and OOXML are zip containers: tell them apart by their members."""
    try:
        head_file.seek(0)
        with zipfile.ZipFile(head_file) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        head_file.seek(0)
    if "OFD.xml" in names:
        return "application/ofd"
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if any(n.startswith("xl/") for n in names):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def sniff(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in (
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ) or (mime is None and head[:2] == b"PK"):
        mime = _zip_kind(upload)
    return mime


def check(upload, *, field: str = "file", allowed: dict[str, str] = DOCUMENTS) -> Checked:
    """Validate one uploaded file; raises InvalidInput with a clear Chinese message."""
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    if size == 0:
        raise InvalidInput(
            "UPLOAD_EMPTY",
            _("文件“%(name)s”是空文件，请重新选择") % {"name": name},
            details={"field": field, "name": name},
        )
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise InvalidInput(
            "UPLOAD_TOO_LARGE",
            _("文件“%(name)s”超过大小上限（%(mb)s MB），请压缩后重新上传")
            % {"name": name, "mb": limit // (1024 * 1024)},
            details={"field": field, "name": name, "size": size, "limit": limit},
        )
    mime = sniff(upload)
    if mime not in allowed:
        raise InvalidInput(
            "UPLOAD_TYPE_NOT_ALLOWED",
            _("文件“%(name)s”的内容不是允许的格式（仅支持 %(types)s），请检查后重新上传")
            % {"name": name, "types": "、".join(dict.fromkeys(allowed.values()))},
            details={"field": field, "name": name, "sniffed": mime or ""},
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return Checked(file=upload, name=name, size=size, content_type=mime, sha256=digest.hexdigest())


def check_all(
    files: dict[str, list], *, field_prefix: str = "material_"
) -> dict[str, list[Checked]]:
    """{material_key: [upload, …]} → {material_key: [Checked, …]}; the first bad file raises."""
    return {
        key: [check(f, field=f"{field_prefix}{key}") for f in uploads]
        for key, uploads in files.items()
        if uploads
    }
