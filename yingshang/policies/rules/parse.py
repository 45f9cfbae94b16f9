"""Eligibility rules (申报条件 / 免申即享): a small expression language over what Yingshang knows
about a firm, parsed here (never eval'd) into a tree that is both compiled to one ORM filter —
so listing the firms entitled to a benefit is a single query over the firm table — and
evaluated in Python against one firm, with the facts behind the answer.

    size in [small, micro] and industry = C and age_years >= 2 and not dishonest
    规模 in [小型, 微型] 且 行业 = C 且 成立年限 >= 2 且 非 失信

A firm that lacks a fact (no industry code, no date of establishment) never satisfies a
comparison on it, whatever the operator; the ORM form keeps the same rule. No library on the
machine parses into something we could compile to ORM filters (asteval and simpleeval evaluate
Python), so this is a recursive-descent parser of about fifty lines."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from yingshang.errors import InvalidInput

SIZES = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
SIZE_ALIASES = {**{v: k for k, v in SIZES.items()}, **{k: k for k in SIZES}}
# GB/T 4754-2017 门类
INDUSTRIES = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    kind: str  # size, industry, region, text, date, int, bool
    ops: tuple[str, ...]


_EQ = ("=", "!=", "in", "not in")
_ORDER = ("=", "!=", ">", ">=", "<", "<=")
FACTS = {
    f.name: f
    for f in (
        Fact("size", "规模（划型）", "size", _EQ),
        Fact("declared_size", "规模（自报）", "size", _EQ),
        Fact("industry", "行业门类", "industry", _EQ),
        Fact("region", "所在区划", "region", _EQ),
        Fact("firm_type", "企业类型", "text", _EQ),
        Fact("established_on", "成立日期", "date", _ORDER),
        Fact("age_years", "成立年限（年）", "int", _ORDER),
        Fact("dishonest", "失信惩戒中", "bool", ("=", "!=")),
        Fact("cases", "办件数", "int", _ORDER),
    )
}
ALIASES = {
    "规模": "size",
    "自报规模": "declared_size",
    "行业": "industry",
    "区划": "region",
    "企业类型": "firm_type",
    "成立日期": "established_on",
    "成立年限": "age_years",
    "失信": "dishonest",
    "办件数": "cases",
}
WORDS = {
    "and": "and",
    "且": "and",
    "并且": "and",
    "or": "or",
    "或": "or",
    "或者": "or",
    "not": "not",
    "非": "not",
    "不": "not",
    "in": "in",
    "属于": "in",
    "true": True,
    "是": True,
    "false": False,
    "否": False,
}


class RuleError(Exception):
    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.message = message
        self.position = position

    def as_input_error(self, field: str = "rule") -> InvalidInput:
        return InvalidInput(
            "POLICY_RULE_INVALID",
            _("申报条件第 %(pos)s 个字符处有误：%(msg)s")
            % {"pos": self.position + 1, "msg": self.message},
            details={"field": field, "position": self.position + 1},
        )


# --- the tree -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cmp:
    fact: str
    op: str
    value: object  # str, int, date, bool, or a tuple for in / not in
    text: str  # the clause as written, for explanations


@dataclass(frozen=True)
class Bool:
    op: str  # and / or
    parts: tuple


@dataclass(frozen=True)
class Not:
    part: object


@dataclass(frozen=True)
class Always:
    """The empty rule: every firm."""


# --- tokens -------------------------------------------------------------------------------------
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<date>\d{4}-\d{2}-\d{2})
      | (?P<num>\d+(?:\.\d+)?)
      | (?P<str>"[^"]*"|'[^']*'|“[^”]*”)
      | (?P<op>==|!=|>=|<=|=|>|<|≥|≤|≠|&&|\|\||!|\(|\)|\[|\]|,|，|（|）)
      | (?P<word>[A-Za-z_][A-Za-z_0-9]*|[\u4e00-\u9fff]+)
    )""",
    re.VERBOSE,
)
_OP_FIX = {"==": "=", "≥": ">=", "≤": "<=", "≠": "!=", "&&": "and", "||": "or", "!": "not"}
_OP_FIX.update({"，": ",", "（": "(", "）": ")"})


@dataclass
class Tok:
    kind: str
    value: object
    pos: int
    raw: str


def _tokens(text: str) -> list[Tok]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            start = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise RuleError(_("无法识别“%(c)s”") % {"c": text[start]}, start)
        kind = m.lastgroup or ""
        raw = m.group(kind)
        start = m.start(kind)
        value: object = raw
        if kind == "str":
            value = raw[1:-1]
        elif kind == "op":
            value = _OP_FIX.get(raw, raw)
            if value in ("and", "or", "not"):
                kind = "word"
        elif kind == "word":
            value, start, raw = _split_word(raw, start, out)
        out.append(Tok(kind, value, start, raw))
        pos = m.end()
    return out


def _split_word(raw: str, start: int, out: list) -> tuple[str, int, str]:
    """Chinese has no spaces: 规模属于 or 且非失信 arrive as one run of characters. Split such a
    run into known words (longest first); an unknown run stays one word (an unknown name)."""
    if not re.match(r"[\u4e00-\u9fff]", raw) or raw in ALIASES or raw in WORDS:
        return raw, start, raw
    known = sorted([*ALIASES, *[w for w in WORDS if not w.isascii()]], key=len, reverse=True)
    parts, i = [], 0
    while i < len(raw):
        for word in known:
            if raw.startswith(word, i):
                parts.append((word, start + i))
                i += len(word)
                break
        else:
            return raw, start, raw
    for word, at in parts[:-1]:
        out.append(Tok("word", word, at, word))
    return parts[-1][0], parts[-1][1], parts[-1][0]


# --- parser -------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> Tok:
        tok = self.peek()
        if tok is None:
            raise RuleError(_("条件不完整"), len(self.text))
        self.i += 1
        return tok

    def word(self, tok: Tok | None) -> object:
        return WORDS.get(str(tok.value).lower() if tok.kind == "word" else "") if tok else None

    def parse(self):
        if not self.toks:
            return Always()
        node = self.or_()
        tok = self.peek()
        if tok is not None:
            raise RuleError(_("多余的“%(t)s”") % {"t": tok.raw}, tok.pos)
        return node

    def or_(self):
        parts = [self.and_()]
        while self.word(self.peek()) == "or":
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else Bool("or", tuple(parts))

    def and_(self):
        parts = [self.not_()]
        while self.word(self.peek()) == "and":
            self.take()
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else Bool("and", tuple(parts))

    def not_(self):
        if self.word(self.peek()) == "not":
            self.take()
            return Not(self.not_())
        return self.atom()

    def atom(self):
        tok = self.take()
        if tok.kind == "op" and tok.value == "(":
            node = self.or_()
            close = self.take()
            if close.value != ")":
                raise RuleError(_("缺少右括号“)”"), close.pos)
            return node
        if tok.kind != "word" or self.word(tok) is not None:
            raise RuleError(_("此处应为字段名，却是“%(t)s”") % {"t": tok.raw}, tok.pos)
        name = ALIASES.get(str(tok.value), str(tok.value))
        fact = FACTS.get(name)
        if fact is None:
            raise RuleError(
                _("未知字段“%(name)s”，可用字段：%(known)s")
                % {"name": tok.raw, "known": "、".join(FACTS)},
                tok.pos,
            )
        nxt = self.peek()
        comparing = nxt is not None and (
            (nxt.kind == "op" and nxt.value in ("=", "!=", ">", ">=", "<", "<="))
            or self.word(nxt) == "in"
        )
        if fact.kind == "bool" and not comparing:
            # a bare boolean fact: `dishonest`, `非 失信`
            return Cmp(fact.name, "=", True, self.text[tok.pos : tok.pos + len(tok.raw)])
        op_tok = self.take()
        op = self._operator(op_tok)
        if op not in fact.ops:
            raise RuleError(
                _("字段“%(f)s”不能用“%(op)s”比较，可用：%(ops)s")
                % {"f": fact.label, "op": op, "ops": " ".join(fact.ops)},
                op_tok.pos,
            )
        if op in ("in", "not in"):
            value = self._list(fact)
        else:
            value = self._value(fact, self.take())
        end = self.toks[self.i - 1]
        return Cmp(fact.name, op, value, self.text[tok.pos : end.pos + len(end.raw)].strip())

    def _operator(self, tok: Tok) -> str:
        if tok.kind == "op" and tok.value in ("=", "!=", ">", ">=", "<", "<="):
            return str(tok.value)
        word = self.word(tok)
        if word == "in":
            return "in"
        if word == "not" and self.word(self.peek()) == "in":
            self.take()
            return "not in"
        raise RuleError(
            _("此处应为比较符（= != > >= < <= in），却是“%(t)s”") % {"t": tok.raw}, tok.pos
        )

    def _list(self, fact: Fact) -> tuple:
        open_ = self.take()
        if open_.value not in ("[", "("):
            raise RuleError(_("in 之后应为列表，如 [small, micro]"), open_.pos)
        close = "]" if open_.value == "[" else ")"
        values = []
        while True:
            values.append(self._value(fact, self.take()))
            sep = self.take()
            if sep.value == close:
                return tuple(values)
            if sep.value != ",":
                raise RuleError(_("列表中应为逗号或“%(c)s”") % {"c": close}, sep.pos)

    def _value(self, fact: Fact, tok: Tok) -> object:
        raw = tok.value
        if fact.kind == "size":
            code = SIZE_ALIASES.get(str(raw).lower() if str(raw).isascii() else str(raw))
            if code is None:
                raise RuleError(
                    _("规模应为 大型/中型/小型/微型（large/medium/small/micro），却是“%(v)s”")
                    % {"v": tok.raw},
                    tok.pos,
                )
            return code
        if fact.kind == "industry":
            letter = str(raw).upper()
            if letter not in INDUSTRIES:
                raise RuleError(
                    _("行业应为国民经济行业分类门类字母 A–T，却是“%(v)s”") % {"v": tok.raw}, tok.pos
                )
            return letter
        if fact.kind == "region":
            if not re.fullmatch(r"\d{2,12}", str(raw)):
                raise RuleError(
                    _("区划应为行政区划代码（数字），却是“%(v)s”") % {"v": tok.raw}, tok.pos
                )
            return str(raw)
        if fact.kind == "text":
            if tok.kind not in ("str", "word"):
                raise RuleError(_("此处应为文字，却是“%(v)s”") % {"v": tok.raw}, tok.pos)
            return str(raw)
        if fact.kind == "date":
            try:
                return dt.date.fromisoformat(str(raw)) if tok.kind in ("date", "str") else None
            except ValueError:
                pass
            raise RuleError(_("日期应写作 2020-01-01，却是“%(v)s”") % {"v": tok.raw}, tok.pos)
        if fact.kind == "int":
            try:
                number = Decimal(str(raw)) if tok.kind == "num" else None
            except InvalidOperation:
                number = None
            if number is None or number != int(number):
                raise RuleError(_("此处应为整数，却是“%(v)s”") % {"v": tok.raw}, tok.pos)
            # whole years back from today must stay a date; counts stay in a database integer
            top = 500 if fact.name == "age_years" else 10**9
            if number > top:
                raise RuleError(
                    _("“%(f)s”的值应在 0–%(top)s 之间") % {"f": fact.label, "top": top}, tok.pos
                )
            return int(number)
        word = self.word(tok)
        if not isinstance(word, bool):
            raise RuleError(
                _("此处应为 是/否（true/false），却是“%(v)s”") % {"v": tok.raw}, tok.pos
            )
        return word


def parse(text: str | None, *, field: str = "rule"):
    """The rule's tree; InvalidInput POLICY_RULE_INVALID naming `field` and the position."""
    try:
        return _Parser(text or "").parse()
    except RuleError as exc:
        raise exc.as_input_error(field) from None


def facts_used(node) -> list[str]:
    found: list[str] = []

    def walk(n):
        if isinstance(n, Cmp):
            if n.fact not in found:
                found.append(n.fact)
        elif isinstance(n, Bool):
            for p in n.parts:
                walk(p)
        elif isinstance(n, Not):
            walk(n.part)

    walk(node)
    return found
