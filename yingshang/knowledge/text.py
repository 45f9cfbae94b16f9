"""Chinese tokenisation shared by knowledge search and smart dispatch: jieba with the HMM off
(deterministic and about twice as fast), punctuation and function words dropped, ASCII
lower-cased. `tokens()` is the precise cut (for classifiers); `search_tokens()` adds the
sub-words of long words (营业执照 → 营业, 执照, 营业执照) so a query for 执照 finds it.

jieba is imported on the first cut, not with the views that search: the module (with the
pkg_resources it imports) is ~18 MB of every web worker before its dictionary is even loaded
(bench/analysis.md, session 17)."""

import logging
import re
from functools import cache, lru_cache

STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "是",
        "在",
        "我",
        "你",
        "他",
        "她",
        "它",
        "我们",
        "你们",
        "他们",
        "有",
        "也",
        "就",
        "都",
        "而",
        "及",
        "与",
        "或",
        "一个",
        "一下",
        "这个",
        "那个",
        "这",
        "那",
        "请问",
        "您好",
        "你好",
        "想",
        "要",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "哦",
        "嗯",
        "哪些",
        "什么",
        "怎么",
        "怎样",
        "如何",
        "是否",
        "能否",
        "可以",
        "能",
        "会",
        "需要",
        "关于",
        "对于",
        "以及",
        "还是",
        "但是",
        "因为",
        "所以",
        "如果",
        "已经",
        "没有",
        "不",
        "被",
        "把",
        "给",
        "让",
        "从",
        "到",
        "向",
        "对",
        "于",
        "为",
        "之",
        "其",
        "该",
        "等",
        "等等",
        "个",
        "些",
        "上",
        "下",
        "中",
        "里",
        "后",
        "前",
        "时",
        "去",
        "来",
        "说",
        "问",
        "号",
        "啦",
        "么",
        "着",
        "过",
        "又",
        "再",
        "还",
        "很",
        "最",
    ]
)
_KEEP = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)


@cache
def _jieba():
    """jieba with its dictionary loaded."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _clean(words) -> list[str]:
    out = []
    for w in words:
        w = w.strip().lower()
        if not w or w in STOPWORDS or not _KEEP.search(w):
            continue
        out.append(w)
    return out


def tokens(text: str) -> list[str]:
    """Precise cut without punctuation and stopwords (order kept, duplicates kept)."""
    return _clean(_jieba().lcut(text or "", HMM=False))


@lru_cache(maxsize=200_000)
def tokens_cached(text: str) -> tuple[str, ...]:
    return tuple(tokens(text))


def search_tokens(text: str) -> list[str]:
    """Search-engine cut (long words plus their sub-words), cleaned."""
    return _clean(_jieba().lcut_for_search(text or "", HMM=False))


def query_terms(text: str) -> list[str]:
    """Distinct terms of a query, longest first; single characters only when nothing else."""
    words = list(dict.fromkeys(search_tokens(text)))
    longer = [w for w in words if len(w) > 1]
    return longer or words
