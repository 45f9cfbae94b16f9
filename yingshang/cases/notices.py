"""The documents a case gives its applicant (受理通知书, 容缺受理通知书, 一次性告知书, 不予受理通知书,
准予/不予行政许可决定书): one text per kind, shown as a printable page and downloaded as a Word
file (python-docx) from the same `Notice`."""

import io
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang.cases.models import Case, ClosureKind, CorrectionRequest, Decision

KINDS = ("acceptance", "deficit", "correction", "rejection", "decision")


@dataclass
class Notice:
    kind: str
    title: str
    addressee: str
    paragraphs: list[str]
    items: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    issuer: str = ""
    date: str = ""

    @property
    def filename(self) -> str:
        return f"{self.title}.docx"


def _day(value) -> str:
    if not value:
        return ""
    d = timezone.localtime(value)
    return f"{d.year}年{d.month}月{d.day}日"


def _remedy() -> str:
    return _(
        "如不服本决定，可以自收到本通知（决定）之日起六十日内依法申请行政复议，"
        "或者在六个月内依法向人民法院提起行政诉讼。"
    )


def available(case: Case) -> list[tuple[str, str]]:
    """(kind, title) of the notices this case has, for the links on its page."""
    out = []
    if case.accepted_at:
        out.append(("acceptance", _("受理通知书")))
    if case.has_deficit:
        out.append(("deficit", _("容缺受理通知书")))
    if _last_correction(case) is not None:
        out.append(("correction", _("一次性告知书")))
    if case.closure_kind == ClosureKind.REJECTED_INTAKE:
        out.append(("rejection", _("不予受理通知书")))
    if case.decision in (Decision.APPROVED, Decision.NOT_APPROVED):
        out.append(("decision", _decision_title(case)))
    return out


def _decision_title(case: Case) -> str:
    return (
        _("准予行政许可决定书") if case.decision == Decision.APPROVED else _("不予行政许可决定书")
    )


def _last_correction(case: Case):
    return (
        case.corrections.exclude(
            status__in=[CorrectionRequest.Status.PENDING_APPROVAL, CorrectionRequest.Status.REFUSED]
        )
        .order_by("-sequence")
        .first()
    )


def build(case: Case, kind: str) -> Notice:
    """The notice of `kind` for `case`; Http404 when the case has none of that kind."""
    if kind not in dict(available(case)):
        raise Http404
    subject = _("你（单位）申请的“%(title)s”（办件编号 %(no)s）") % {
        "title": case.title,
        "no": case.number,
    }
    notice = Notice(
        kind=kind,
        title=dict(available(case))[kind],
        addressee=f"{case.applicant_name}：",
        paragraphs=[],
        issuer=case.unit.name if case.unit_id else "",
        date=_day(timezone.now()),
    )
    if kind == "acceptance":
        notice.paragraphs.append(
            _("%(subject)s已于%(at)s受理，承诺于%(due)s前办结。")
            % {"subject": subject, "at": _day(case.accepted_at), "due": _day(case.due_at)}
        )
        notice.after.append(_("办理进度可在“我的办件”或门户“办件查询”中查看。"))
    elif kind == "deficit":
        notice.paragraphs.append(
            _(
                "%(subject)s，主要材料齐全、符合法定形式，部分次要材料暂缺。根据你（单位）签署的"
                "容缺受理承诺书，本机关决定予以容缺受理。请在下列期限内补齐以下材料："
            )
            % {"subject": subject}
        )
        notice.items = [i["name"] for i in case.deficit_items or []]
        notice.after = [
            _("补交期限：%(due)s前。补交方式：窗口现场提交、邮寄或在“我的办件”中在线上传。")
            % {"due": _day(case.deficit_due_at)},
            _("逾期未补齐或补交材料不符合要求的，将终止办理，并将违诺情况记入信用档案。"),
        ]
    elif kind == "correction":
        correction = _last_correction(case)
        notice.paragraphs.append(
            _("%(subject)s，申请材料不齐全或不符合法定形式。现一次性告知需补正的全部内容：")
            % {"subject": subject}
        )
        notice.items = [str(i) for i in correction.items or []]
        if correction.note:
            notice.after.append(correction.note)
        notice.after.append(_("补正期间不计入办理时限。请补齐后通过原渠道重新提交。"))
    elif kind == "rejection":
        notice.paragraphs.append(
            _("%(subject)s，经审查，本机关决定不予受理。理由如下：%(reason)s")
            % {"subject": subject, "reason": case.closure_reason or _("（未说明）")}
        )
        notice.after.append(_remedy())
        notice.date = _day(case.closed_at) or notice.date
    else:  # decision
        if case.decision == Decision.APPROVED:
            notice.paragraphs.append(
                _(
                    "%(subject)s，经审查，符合法定条件、标准，根据《中华人民共和国行政许可法》"
                    "第三十八条第一款的规定，本机关决定准予行政许可。"
                )
                % {"subject": subject}
            )
            notice.after.append(
                _("许可证件（电子证照）可在“我的办件”中下载，或按你选择的方式送达。")
            )
        else:
            notice.paragraphs.append(
                _(
                    "%(subject)s，经审查，不符合法定条件、标准，根据《中华人民共和国行政许可法》"
                    "第三十八条第二款的规定，本机关决定不予行政许可。理由如下：%(reason)s"
                )
                % {"subject": subject, "reason": case.decision_reasons or _("（未说明）")}
            )
            notice.after.append(_remedy())
        notice.date = _day(case.decided_at) or notice.date
    return notice


def as_docx(notice: Notice) -> bytes:
    """The notice as a Word document (A4, title centred, issuer and date on the right)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(notice.title)
    run.bold = True
    run.font.size = Pt(22)
    doc.add_paragraph(notice.addressee)
    for text in notice.paragraphs:
        doc.add_paragraph(text).paragraph_format.first_line_indent = Pt(28)
    for n, item in enumerate(notice.items, 1):
        doc.add_paragraph(f"{n}. {item}").paragraph_format.left_indent = Pt(28)
    for text in notice.after:
        doc.add_paragraph(text).paragraph_format.first_line_indent = Pt(28)
    for text in (notice.issuer, notice.date):
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
