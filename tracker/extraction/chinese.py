"""Directive cues of Chinese speech texts (要、必须、加快、推进 ...) and the splitting of
enumerations whose parts carry their own verb (建设一批…，建设一批…，实施一批…)."""

from __future__ import annotations

import re

from .sentences import trim

# Words after which the directive starts (they are not part of it): 要加快 → 加快….
MODALS = ("必须", "务必", "要")
# Verbs that open an instruction and belong to it.
CUE_VERBS = tuple(
    "着力 加快 推进 推动 加强 强化 深化 大力 积极 鼓励 支持 努力 力争 坚持 抓好".split()
)
# Further verbs that open a new part of an enumeration.
VERBS = CUE_VERBS + tuple(
    """建设 实施 培育 引进 打造 构建 完善 健全 落实 开展 组织 制定 出台 优化 突破 依托 聚焦
    促进 提升 提高 扩大 建立 探索 创新 培养 引导 推广 发展 做好 做强 做大 争取 确保 建成
    完成 报送 上报 编制 设立 修订 启动 实现 达到 取得 形成 推出 加大 规范 应用""".split()
)
ADVERBS = ("进一步", "全面", "不断", "持续", "切实", "认真", "加大力度")
# A time phrase may stand between a modal and its verb: 要每月报送, ，年底前建成.
_LEADING_TIME = re.compile(
    r"(今年|明年)?(年底前|年底之前|年内)|第?[一二三四1-4]季度末?(前|之前)"
    r"|[零一二两三四五六七八九十\d]{1,3}(年|个月|周|天)(内|之内)|每(天|周|月|季度|年)|20\d\d年底?(前|之前)"
)
_REPORTING = re.compile(r"^据.{0,30}?(报道|消息)|召开|举行|出席|主持")
_SPEECH_VERBS = re.compile(r"指出|强调|要求|表示|提出")
_SEPARATORS = "，；、,;"
_TRAILING = "，。；、：！？,.;:!? 　"


def is_reporting(sentence: str) -> bool:
    """据…报道 / …召开… / …出席…: the occasion, not an instruction (unless the leader's
    words are reported in it: 指出、强调、要求)."""
    return bool(_REPORTING.search(sentence)) and not _SPEECH_VERBS.search(sentence)


def action_start(text: str, start: int, end: int) -> int | None:
    """Where the instruction in text[start:end] begins, or None."""
    sentence = text[start:end]
    if is_reporting(sentence):
        return None
    found = []
    for modal in MODALS:
        at = sentence.find(modal)
        if at >= 0 and _opens_verb(sentence, at + len(modal)):
            found.append((at, at + len(modal)))
    for verb in CUE_VERBS:
        at = sentence.find(verb)
        if at >= 0:
            found.append((at, at))
    if not found:
        return None
    _first, begin = min(found)
    return start + begin


# How far after a modal its verb may come (要在金融领域推广应用).
MODAL_REACH = 20


def _opens_verb(sentence: str, at: int) -> bool:
    """A modal counts only with a verb soon after it (要加快, 要在…领域推广), never as part of
    another word (重要, 主要, 需要)."""
    if at >= 2 and sentence[at - 2 : at] in ("重要", "主要", "需要", "只要", "想要", "必要"):
        return False
    if sentence[at - 1] == "要" and sentence[at : at + 1] in ("求", "点", "素", "闻", "害"):
        return False  # 要求, 要点, 要素 ...: a word of its own
    rest = _skip_to_verb(sentence[at:])
    return rest.startswith(VERBS) or any(verb in rest[:MODAL_REACH] for verb in VERBS)


def _skip_to_verb(rest: str) -> str:
    """`rest` past a leading time phrase and adverb."""
    time_phrase = _LEADING_TIME.match(rest)
    if time_phrase:
        rest = rest[time_phrase.end() :]
    for adverb in ADVERBS:
        if rest.startswith(adverb):
            return rest[len(adverb) :]
    return rest


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split at ，；、 where the next part starts with its own verb (after an adverb)."""
    clauses, clause_start = [], start
    for pos in range(start, end):
        if text[pos] in _SEPARATORS and _part_has_verb(text, pos + 1, end):
            clauses.append((clause_start, pos))
            clause_start = pos + 1
    clauses.append((clause_start, end))
    return [span for span in (tidy(text, s, e) for s, e in clauses) if span]


def _part_has_verb(text: str, pos: int, end: int) -> bool:
    rest = text[pos:end].lstrip()
    for joiner in ("同时", "并", "和"):
        if rest.startswith(joiner):
            rest = rest[len(joiner) :]
            break
    rest = _skip_to_verb(rest)
    return rest.startswith(VERBS) or rest.startswith(MODALS[:2])


def tidy(text: str, start: int, end: int) -> tuple[int, int] | None:
    start, end = trim(text, start, end)
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    while start < end and text[start] in _TRAILING:
        start += 1
    return (start, end) if any(ch.isalnum() for ch in text[start:end]) else None
