"""Eligibility rules (申报条件 / 免申即享): `parse` reads a rule into a tree (never eval'd),
`evaluate` compiles the tree to an ORM filter or checks it for one firm."""

from yingshang.policies.rules.evaluate import (
    age,
    annotations,
    firm_facts,
    holds,
    show,
    to_q,
    unmet,
)
from yingshang.policies.rules.parse import (
    ALIASES,
    FACTS,
    INDUSTRIES,
    SIZES,
    Always,
    Bool,
    Cmp,
    Fact,
    Not,
    RuleError,
    facts_used,
    parse,
)

__all__ = [
    "ALIASES",
    "FACTS",
    "INDUSTRIES",
    "SIZES",
    "Always",
    "Bool",
    "Cmp",
    "Fact",
    "Not",
    "RuleError",
    "age",
    "annotations",
    "facts_used",
    "firm_facts",
    "holds",
    "parse",
    "show",
    "to_q",
    "unmet",
]
