"""Directives of Chinese texts: speeches (…指出，要…), work reports (今年，我们将…) and the
task lists of notices written without any modal (实施一批…项目，推动…). A sentence is cut
into parts at ，；： and each part that opens a task of its own starts a directive; the
part's connective, subject and modal are read off before its span begins, and a named
subject (海宁市要…), 由…负责 or a bracket (（市经信局牵头）) gives the owner."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from .lexicon import TASK_VERBS, dictionary_verbs, verb_at
from .sentences import Clause, shared_owners, trim
from .timing import time_phrase_end

MODALS = ("必须", "务必", "应当", "需要", "要", "应", "须", "将", "请")
# 要 and 应 inside other words are no modal (重要, 要求, 应用, 响应 …).
_NOT_MODAL_BEFORE = {
    "要": "重主需只想必纪首",
    "应": "响供适反对相效",
    "将": "即",
    "须": "必",
    "请": "申提邀",
}
_NOT_MODAL_AFTER = {"要": "求点素闻害件务", "应": "用急对", "将": "来近", "须": "知", "请": "示求"}
_ADVERBS = re.compile(
    r"(进一步|全面|不断|持续|切实|认真|加大力度|大力|积极|主动|及时|坚决|严格|扎实|全力|着力"
    r"|加快|重点|率先|统筹|尽快|抓紧|立即|逐步|有序|稳步|深入|也|还|都|继续|再|同步|稳妥|依法|从严"
    r"|精准|分类|分别|至少|亲自|足额|逐一|按时|按期|如期|广泛|常态化|系统|一律|全部|集中|共同"
    r"|联合|定期|专项|迅速|优先|加紧|务实|实质性|逐项|逐条|逐户|依规依纪|依规|依纪|严肃|及早|正式|严厉|适时|原则上)+"
)
# A year named alone before its task (今年，我们将…; 2026年，…), which no deadline reads.
_YEAR_WORD = re.compile(r"(到|在|于)?(今年|明年|全年|20\d\d年)(年底|底)?(前|之前)?")
_CONNECTIVE = re.compile(r"同时|此外|另外|并且|而且|并|还要|以及")
_UNIT = re.compile(
    r"[\u4e00-\u9fff（）、]{1,16}?(局|委员会|委|办公室|办|厅|部|院|署|市|县|区|镇|乡|街道|政府|管委会"
    r"|公司|集团|大学|学院|中心|银行|协会|室|所|队|站|组|联|总工会)"
)
_GENERIC = re.compile(
    r"大家|我们|政府|(各|有关|相关|全|我|广大|各级)[^，]{0,10}?"
    r"(部门|单位|地|级|政府|上下|市|省|区|县|们|乡镇|街道|）|企业|机关|系统|同志|干部)+"
)
_TIME_SUBJECT = re.compile(r"(今年|明年|年内|下一步|当前|近期|今后|下阶段)")
_UNIT_TAIL = re.compile(
    r"[\u4e00-\u9fff]{1,3}?(室|局|办|委|厅|中心|站|所)(?![\u4e00-\u9fff]{0,1}(的|和))"
)
_FORBIDDEN = re.compile(r"不得|严禁|禁止|杜绝|一律不")
_LEAD_IN = re.compile(
    r"[^，；：]{0,10}?(要|须|应)?(结合|立足|根据|按照|针对)(本地|本区|本市|本县|各自|当地)?(实际|情况)"
)
_TOGETHER_WITH = re.compile(
    r"(?:[^，；：]{0,10}?(?:要|须|应|并))?(?P<with>(会同|协同|联合(?!体))[^，；：]{2,14})"
)
_LEADS_AFTER = re.compile(r"(?P<unit>[^，。；：、]{2,24}?)(牵头负责|牵头|负责)")
_BY_UNIT = re.compile(
    r"由(?!于|此)(?:[^，。；：、]{2,24}?配合)?(?P<unit>[^，。；：、]{2,24}?)(负责|牵头|(?=实施|推进|开展|组织|落实))，?"
)
_OWNER_LINE = re.compile(
    r"[（(]?(牵头单位|责任单位|责任部门|牵头部门|主办单位|承办单位|主责单位)[：:]"
)
# A line naming only the units that help: no owner, and no task.
_HELPER_LINE = re.compile(r"[（(]?(配合单位|协办单位|协助单位|参与单位)[：:]")
_TIME_LINE = re.compile(r"(办理时限|完成时限|时间节点|完成时间|办结时限)[：:]")
_OWNER_BRACKET = re.compile("牵头|负责|配合|责任单位|责任部门")
_SPEECH = re.compile(r"(指出|强调|要求|表示|提出)[，：:]?")
# The occasion: the report's source, the meeting's date, who attended, chaired or visited.
_REPORTING = re.compile(
    r"^据.{0,30}?(报道|消息)|^\d{1,2}月\d{1,2}日[，,]|召开了|举行了|出席|主持|会议由|会见|调研|座谈"
)
_PREAMBLE = re.compile(
    r"^(为|根据|按照).{2,}(制定|印发|提出|现将|特).{0,12}(方案|意见|通知|办法|如下|要点)"
    r"|(通知|意见|安排)如下|^现将|^现就|制定本(方案|意见|办法)"
)
# A heading that names a section, not a task: 一、督办事项 / （三）保障措施.
_SECTION = re.compile(r"[\u4e00-\u9fff]{2,10}(事项|要求|措施|目标|任务|原则|思路|机制|保障|意见)")
_STATE = re.compile(
    r"依然|仍然|不容乐观|仍有|仍存在|尚未|较为突出|可能性|形势[^，；]{0,4}(严峻|复杂)|压力较大|较为单一"
    r"|结构单一|带病运行|短板明显|明显不足|较为薄弱|相对滞后"
)
_OUTCOME = re.compile(
    r"(走在|位居|跻身|位于|保持)[^，；]{0,8}(前列|前茅|领先)|领跑|得到(有效|明显|根本)?(遏制|解决|改善|提升)"
)
_BETTER = re.compile(r"[^，；]{2,12}(明显|显著|持续|进一步|不断)(增强|提升|改善|提高|好转)")
_THING_FIRST = re.compile(
    r"[\u4e00-\u9fff]{1,8}(结果|成果|情况|名单|清单|信息|数据|资金)(在|由|于|向|按|将|要)"
)
_YEAR_PAST = re.compile(r"20\d\d年[，,]")
_COPULA = re.compile(r"[^，；]{1,10}?是[^，；]")
# Things a task is done to: when one is the subject (考核机制要健全), the whole clause is the span.
_THINGS = re.compile(
    r".*(制度|机制|体系|清单|标准|规划|方案|政策|措施|任务|项目|资金|责任|目标|设施|工程|率|面积"
    r"|产量|规模|数量|总数|强度|比重|占比|水平|能力|环境|质量|名单|台账|信息|情况|结果|指标|投入"
    r"|检查|储备|频次|问题|隐患|风险|工作机制|平台|系统|网络|服务|流程|时限|档案|资料|办法|细则|规定"
    r"|结果|成果|清单|方案)$"
)
_AGENTS = re.compile(
    r"([\u4e00-\u9fff（）]{0,12}(街道|社区|企业|学校|医院|乡镇|村|部门|单位|高校|机构|园区|平台"
    r"|同志|干部|班子|人员|负责人|委员会|安委办|督查室|政府|长|河长办)、?)+"
)
_PAST = re.compile(
    r"了|已经|已|以来|过去|去年|先后|取得[^，。；]{0,8}(成效|成绩|进展|成果)|获评|荣获|暴露出|出现"
    r"|近年来|多年来|一年来|初见成效|成效初步显现|成效明显"
)
_TARGET = re.compile(
    r"(力争|确保)?(全年|累计|新增)?(完成|实现|达到|覆盖|超过|增长|提高到|降低到|控制在)"
)
_QUANTITY = re.compile(
    r"[\d０-９%％]|[一二两三四五六七八九十百千万]+(个|家|所|项|座|条|户|人|名|次|倍|成)|全覆盖"
)
ENUMERATOR = re.compile(
    r"([一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\([一二三四五六七八九十\d]+\)"
    r"|\d+[.．、]|第[一二三四五六七八九十]+[，、]|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)
_PREPOSITIONS = "在对向将按把以从依于为与"
_SEPARATORS = "，；：,;:"
_OPEN, _CLOSE = "（(“《‘「『", "）)”》’」』"
_TRAILING = "，。；、：！？,.;:!? 　"
_NOUN_ENDINGS = (
    "区",
    "园",
    "体",
    "机构",
    "平台",
    "中心",
    "基地",
    "场景",
    "链",
    "群",
    "圈",
    "带",
    "库",
)
# How far after a modal or a preposition its verb may come (要在金融领域推广应用).
REACH = 24


def is_reporting(sentence: str) -> bool:
    """据…报道 / …召开… / …出席…: the occasion, not an instruction (unless the leader's
    words are reported in it: 指出、强调、要求)."""
    return bool(_REPORTING.search(sentence)) and not _SPEECH.search(sentence)


def owner_line(text: str, start: int, end: int) -> tuple[int, int] | None | bool:
    """For a 责任单位：… line, its first unit (None if it names none); False for any other."""
    line = _OWNER_LINE.match(text, start, end)
    if line is not None:
        return _first_unit(text, line.end(), end)
    if _HELPER_LINE.match(text, start, end):
        return None
    start, end = _strip(text, start, end)
    bracketed = text[start : start + 1] in "（(" and text[end - 1 : end] in "）)"
    if bracketed and _OWNER_BRACKET.search(text, start, end):  # （市科技局牵头，市财政局配合）
        return _named_in_bracket(text, start + 1, end - 1)
    return False


def named_subject(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The named unit before the sentence's modal (市商务局要…), whatever follows it."""
    modal = _modal(text, start, end)
    return _owner(text, start, modal[0]) if modal else None


def starts_item(text: str, start: int, end: int) -> bool:
    """Whether the sentence text[start:end] opens a numbered item (1.…, （一）…)."""
    return bool(ENUMERATOR.match(text, start, end))


def closing_owner(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The unit of an owner bracket that closes the sentence (…电梯300部（市住建局牵头）。):
    it owns the tasks of its item that name no owner."""
    start, end = _strip(text, start, end)
    if text[end - 1 : end] not in "）)":
        return None
    opened = max(text.rfind("（", start, end), text.rfind("(", start, end))
    if opened < 0 or not _OWNER_BRACKET.search(text, opened, end):
        return None
    return _named_in_bracket(text, opened + 1, end - 1)


def time_line(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a 办理时限：… line (its time governs the item's tasks)."""
    return bool(_TIME_LINE.match(text, start, end))


def sentence_clauses(text: str, start: int, end: int) -> list[Clause]:
    """The directives of the sentence text[start:end], in order."""
    sentence = text[start:end]
    if (is_reporting(sentence) and not _has_modal(sentence)) or _PREAMBLE.search(sentence):
        return []
    if sentence.endswith(("：", ":")) or _UNIT.fullmatch(sentence.lstrip("中共")):
        return []  # who a notice is addressed to, who signed it
    if ENUMERATOR.match(sentence) and _SECTION.fullmatch(
        sentence[ENUMERATOR.match(sentence).end() :]
    ):
        return []
    if _PAST.search(sentence) and not _has_modal(sentence):
        return []
    if (_YEAR_PAST.match(sentence) or _STATE.search(sentence)) and not _has_modal(sentence):
        return []  # 2024年，全市…累计巡河12.6万人次: what a year brought
    found: list[Clause] = []
    brackets: list[tuple[int, tuple[int, int] | None]] = []
    stopped = False  # after an outcome phrase (…走在全国前列) nothing extends a task
    leading = None
    together = None  # where a 会同… part began, which the next task takes in
    together_owner = None
    parts = _parts(text, start, end, brackets)
    for index, (part_start, part_end) in enumerate(parts):
        if (
            text[part_start] == "对"
            and index + 1 < len(parts)
            and _modal(text, parts[index + 1][0], parts[index + 1][1])
            == (parts[index + 1][0], parts[index + 1][0] + 1)
        ):
            continue  # 对企业反映的问题，要…: the topic of the task that follows
        if _OUTCOME.search(text, part_start, part_end) or _BETTER.fullmatch(
            text, part_start, part_end
        ):
            stopped = True
            continue
        if found and _states_target(text, part_start, part_end, found[-1]):
            found[-1] = _extended(found[-1], part_end)
            continue
        by = _BY_UNIT.fullmatch(text, part_start, part_end)
        if by:  # 由区人社局牵头，一季度末前出台…: the owner of the tasks that follow
            leading = by.span("unit")
            continue
        if _LEAD_IN.fullmatch(text, part_start, part_end):
            continue  # 各区要结合实际，制定…: how, not what
        if text[part_end - 1] == "的" and index + 1 < len(parts):
            continue  # 对引发森林火灾的，及时立案侦查: the condition of the task that follows
        if text[part_start] == "为" and index + 1 < len(parts) and not found:
            continue  # 为从源头遏制…，…: the purpose of what follows
        joint = _TOGETHER_WITH.fullmatch(text, part_start, part_end)
        if joint and any(
            verb_at(text, at, listed_only=True) for at in range(joint.start("with") + 2, part_end)
        ):
            joint = None  # 会同市政府督查室开展督查: a task of its own
        if joint and index + 1 < len(parts):  # 市发改委要会同市网信办，在…推广…: one task
            together = joint.start("with")
            modal = _modal(text, part_start, part_end)
            together_owner = _owner(text, part_start, modal[0]) if modal else None
            continue
        leads = _LEADS_AFTER.fullmatch(text, part_start, part_end)
        if found and leads and _owner(text, *leads.span("unit")):
            # 建设人才公寓，市人才办牵头负责: the owner of the tasks before, not a task
            unit = _owner(text, *leads.span("unit"))
            found = [c if c.owner else replace(c, owner=unit) for c in found]
            continue
        pieces = _listed(text, part_start, part_end, after_task=bool(found))
        if pieces and together is not None:
            owner = pieces[0].owner or together_owner
            pieces[0] = replace(pieces[0], start=together, owner=owner, subject=True)
        together = None
        if pieces and leading:
            pieces = [replace(p, owner=p.owner or leading, subject=True) for p in pieces]
        if pieces:
            found.extend(pieces)
        elif found and not stopped:
            found[-1] = _extended(found[-1], part_end)  # no task of its own: still the last one
    return shared_owners([_bracket_owner(clause, brackets) for clause in found])


def _extended(clause: Clause, end: int) -> Clause:
    return replace(clause, end=end)


def _parts(text, start, end, brackets) -> list[tuple[int, int]]:
    """text[start:end] cut at each top-level ，；：; an owner bracket (（市发改委牵头，…）) is
    cut out and noted in `brackets` with where it opens and the unit it names first."""
    parts, part_start, depth, opened = [], start, 0, 0
    for pos in range(start, end):
        char = text[pos]
        if char in _OPEN:
            if depth == 0:
                opened = pos
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
            if depth == 0 and _OWNER_BRACKET.search(text, opened, pos):
                brackets.append((opened, _named_in_bracket(text, opened + 1, pos)))
                parts.append((part_start, opened))
                part_start = pos + 1
        elif char in _SEPARATORS and depth == 0:
            parts.append((part_start, pos))
            part_start = pos + 1
    parts.append((part_start, end))
    return [
        (s, e)
        for s, e in (_strip(text, s, e) for s, e in parts)
        if any(ch.isalnum() for ch in text[s:e])
    ]


def _named_in_bracket(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The unit a bracket names as the lead: （市财政局配合，市发改委牵头） → 市发改委; else its
    first unit: （市科技局、市发改委按职责分工负责） → 市科技局."""
    line = _OWNER_LINE.match(text, start, end)
    if line:
        return _first_unit(text, line.end(), end)
    return _first_unit(text, start, end)


def _first_unit(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The lead unit of a list of units (the one marked 牵头, else the first), without its
    role; None when it is too long to be one unit's name."""
    units = [(start + m.start(), start + m.end()) for m in _UNIT_IN_LIST.finditer(text[start:end])]
    if not units:
        return None
    first, last = next((u for u in units if "牵头" in text[u[0] : u[1]]), units[0])
    if text.startswith(("各", "全", "有关", "相关"), first):
        return None  # 各乡镇人民政府: every one of them, no one unit
    role = _ROLE.search(text, first, last)
    if role and role.start() > first:
        last = role.start()
    return (first, last) if 0 < last - first <= MAX_UNIT else None


MAX_UNIT = 40  # a unit's name is shorter; anything longer is not one
_UNIT_IN_LIST = re.compile(r"[^、，；。,;（(）)\s　]+(?:[（(]牵头[）)])?")
_ROLE = re.compile(r"[（(]?(按职责分工)?(牵头负责|牵头|负责|配合|协办|参与)[）)]?$")


def _bracket_owner(clause: Clause, brackets) -> Clause:
    """A task that names no owner takes the one of the first owner bracket after it in its
    sentence (加快…，完成…（市经信局牵头，…）)."""
    if clause.owner is not None:
        return clause
    for opened, unit in brackets:
        if clause.end <= opened:
            return replace(clause, owner=unit)
    return clause


def _states_target(text: str, start: int, end: int, before: Clause) -> bool:
    """，9月底前完成编制 / ，年底前全部建成 / ，力争达到3000家 / ，惠及居民6.5万户 / ，直至办结:
    the target, time or result of the task before, not a task of its own."""
    pos = _skip_time(text, start, end)
    if text.startswith(("直至", "直到"), pos):
        return True
    result = re.compile(r"(惠及|带动|覆盖|受益)").match(text, pos, end)
    if result and _QUANTITY.search(text, result.end(), end):
        return True
    done = re.compile(
        r"(力争|确保)?(全部|全面|基本|如期)?(完成|建成|实现|达到|下达|办结|到位|投用|交付|印发|上线"
        r"|具备|启用|投运)"
    ).match(text, pos, end)
    if done and end - done.end() <= 2:
        return True
    if re.compile(r"[^，；]{2,16}?(人数|数量|规模|比例|总量)(不少于|不低于|不超过|保持)").match(
        text, pos, end
    ):
        return True  # 稳定招聘规模，招用高校毕业生人数不少于上年
    if (
        re.compile(r"\d").search(text, pos, end)
        and verb_at(text, pos)
        and not _has_modal(text[pos:end])
        and not text.startswith(("完成", "建成"), pos)
        and _shares_words(text, before.start, before.end, pos, end, at_least=4)
    ):
        return True  # 开发见习岗位，每年募集就业见习岗位3000个以上
    if re.compile(r"[^，；]{0,4}(到位|完成|建成|办结|投用)$").fullmatch(text, pos, end):
        return True
    if done and done.group(3) in ("实现", "达到", "具备"):
        return True  # 建设…平台，年底前实现…接入全覆盖: the outcome of the same work
    aim = re.compile(r"(力争|确保)[^，；]{0,12}?(达到|突破|超过|增长|提高到|降低到|控制在)").match(
        text, pos, end
    )
    return bool(aim) and bool(_QUANTITY.search(text, aim.end(), end))


def _shares_words(
    text: str, start: int, end: int, other_start: int, other_end: int, at_least: int = 2
) -> bool:
    """Whether the two stretches share `at_least` ideographs in a row (a word of the task)."""
    words = {text[i : i + at_least] for i in range(start, end - at_least + 1)}
    return any(
        text[i : i + at_least] in words
        and all("\u4e00" <= ch <= "\u9fff" for ch in text[i : i + at_least])
        for i in range(other_start, other_end - at_least + 1)
    )


def _listed(text: str, start: int, end: int, *, after_task: bool) -> list[Clause]:
    """The tasks of one part: one, or several joined by 、 when each has its own verb and
    object (建设一批研发机构、实施一批攻关项目), or none."""
    first = _clause(text, start, end, after_task=after_task)
    if first is None:
        return []
    clauses, piece_start = [], first.start
    for pos in range(first.start, end):
        if text[pos] == "、" and _enumerates_tasks(text, piece_start, pos, end):
            clauses.append((piece_start, pos))
            piece_start = pos + 1
    clauses.append((piece_start, end))
    head = first.head
    return [
        replace(first, start=s, end=e, head=head if i == 0 else s)
        for i, (s, e) in enumerate(clauses)
    ]


def _enumerates_tasks(text: str, piece_start: int, at: int, end: int) -> bool:
    """Whether 、 at `at` separates two tasks: both begin with a listed verb and have an
    object, and what follows is not a short noun (创新引领区、应用先行区)."""
    size = verb_at(text, piece_start, listed_only=True)
    if not size or at - piece_start - size < 2 or text.startswith(("会同", "联合"), piece_start):
        return False
    nxt = verb_at(text, at + 1)
    if not nxt or "等" in text[at:end]:
        return False  # 无证经营、超能力生产、…等行为: a list of nouns
    stop = at + 1
    while stop < end and text[stop] not in "、，；。":
        stop += 1
    following = text[at + 1 : stop]
    return len(following) - nxt >= 2 and not (
        len(following) <= 6 and following.endswith(_NOUN_ENDINGS)
    )


def _clause(text: str, start: int, end: int, *, after_task: bool) -> Clause | None:
    """The directive that text[start:end] opens, or None."""
    head = start
    forbidden = _FORBIDDEN.search(text, start, min(end, start + 16))
    if forbidden:  # 新上项目原则上不得占用永久基本农田: a rule of what must not be done
        return Clause(start, end, head, None, subject=True)
    if text[end - 1] == "的" or _COPULA.match(text, start, end) or _STATE.search(text, start, end):
        return None  # 不能按期办结的 (a condition), 创新是…动力, …依然突出 (statements)
    if text[start] == "对" and re.search(r"的[^的，；]{0,4}$", text[start:end]):
        return None  # 对…的企业，要…: the topic of the task that follows
    pos = _after(_CONNECTIVE, text, start, end)
    speech = _SPEECH.search(text, pos, end)
    if (
        speech
        and speech.end() < end
        and speech.start() - pos <= 30
        and not re.search("按照|根据|按", text[pos : speech.start()])
    ):
        pos = speech.end()
    by = _BY_UNIT.match(text, pos, end)
    if by and _verb_soon(text, by.end(), end):
        return Clause(by.end(), end, head, by.span("unit"), subject=True)
    modal = _modal(text, pos, end)
    if modal is not None:
        subject_end, modal_end = modal
        if not _verb_soon(text, modal_end, end):
            return None
        subject = text[pos:subject_end].rstrip("，,")
        if (
            subject
            and _THINGS.match(subject)
            and not _AGENTS.fullmatch(subject)
            and subject[0] != "对"
        ):
            # The subject is the thing acted on (考核机制要进一步健全): the whole clause.
            return Clause(pos, end, head, None, subject=True)
        owner = _owner(text, pos, subject_end)
        after = _subject_before_task(text, modal_end, end)  # 请各地于…前将…
        if after is not None and not subject:
            return Clause(after, end, head, _owner(text, modal_end, after), subject=True)
        return Clause(modal_end, end, head, owner, subject=bool(subject))
    if _sets_target(text, pos, end):
        return Clause(pos, end, head, None, subject=True)
    subject = _subject_before_task(text, pos, end)
    if subject is not None:
        return Clause(subject, end, head, _owner(text, pos, subject), subject=True)
    if _opens_task(text, pos, end):
        thing = _THING_FIRST.match(text, pos, end)  # 暗访结果在全市通报: its own subject
        return Clause(pos, end, head, None, subject=bool(thing))
    return None


def _modal(text: str, pos: int, end: int) -> tuple[int, int] | None:
    """Where the subject before the clause's modal ends and where the modal ends: the first
    modal within reach that a subject (or nothing) precedes, not a verb (加强监管要…); a
    modal in quotes (“三管三必须”) is a name."""
    for found in _MODAL_WORD.finditer(text, pos, min(end, pos + 24)):
        at, modal = found.start(), found.group(0)
        if text.count("“", pos, at) > text.count("”", pos, at) or not _is_modal(text, at, modal):
            continue
        if (
            at == pos
            or _subject_like(text, pos, at)
            or _THINGS.match(text, pos, at)
            or text[pos] == "对"
            or not any(verb_at(text, v, listed_only=True) for v in range(pos, at))
        ):
            return at, at + len(modal)
        return None
    return None


_DISPOSAL = re.compile(r"纳入|列入|作为|挂钩|转化为|分解到|落实到|报送|移交|交由|抄送")
_MODAL_WORD = re.compile("|".join(MODALS))


@cache
def _opening_chars() -> frozenset[str]:
    """The characters a task may start with: a verb's, a time phrase's, a preposition's."""
    return (
        frozenset(word[0] for word in dictionary_verbs())
        | frozenset(word[0] for word in TASK_VERBS)
        | frozenset(_PREPOSITIONS + "每今明全年上下一二三四五六七八九十第汛春开到于0123456789")
        | frozenset(
            "进全不持切认加大积主及坚严扎着重率统尽抓立逐有稳深也还都继再同稳依从精分至亲足逐按如广常系一集共联定专迅优务实"
        )
    )


_NOT_IN_SUBJECT = re.compile(r"[向对在把将从于与]|及时")


def _subject_before_task(text: str, pos: int, end: int) -> int | None:
    """海宁市深化…, 区财政局每年安排…, 各县（市、区）安委办每月5日前将…报送…: where the task
    begins after a subject that names who does it (a unit or a generic agent)."""
    opens_here = None
    for stop in range(pos + 2, min(end, pos + 20)):
        if text[stop] not in _opening_chars() or _UNIT_TAIL.match(text, stop, end):
            continue  # no task starts so; 县委|督查室: a verb-like word in a unit's name
        if _opens_task(text, stop, end):
            if opens_here is None:
                opens_here = _opens_task(text, pos, end)
            if opens_here:
                return None
            subject = text[pos:stop]
            if _NOT_IN_SUBJECT.search(subject):
                return None
            if (
                _UNIT.fullmatch(subject)
                or _AGENTS.fullmatch(subject)
                or _GENERIC.fullmatch(subject)
                or (subject.startswith("各") and len(subject) <= 10)  # 各国有林场每天…
            ):
                return stop
    return None


def _sets_target(text: str, pos: int, end: int) -> bool:
    """全社会研发经费投入强度达到3.2%: a measured target, its subject the thing measured."""
    aim = re.compile(
        r"[^，；：]{2,20}?(达到|突破|超过|稳定在|保持在|提高到|降低到|控制在|增长)"
    ).match(text, pos, end)
    return bool(aim) and bool(_QUANTITY.search(text, aim.end(), min(end, aim.end() + 12)))


def _subject_like(text: str, start: int, at: int) -> bool:
    subject = text[start:at]
    return bool(_owner(text, start, at) or _plain_subject(subject) or _AGENTS.fullmatch(subject))


def _is_modal(text: str, at: int, modal: str) -> bool:
    if at > 0 and text[at - 1] in _NOT_MODAL_BEFORE.get(modal, ""):
        return False
    if modal == "将":  # we will (我们将建设), not 将 as 把 (将…纳入…, 将…报送…)
        after = at + 1
        if _DISPOSAL.search(text, after, after + 30):
            return False
        return bool(verb_at(text, after) or _ADVERBS.match(text, after, after + 4))
    following = text[at + len(modal) : at + len(modal) + 1]
    return not (following and following in _NOT_MODAL_AFTER.get(modal, ""))


def _has_modal(sentence: str) -> bool:
    return any(
        _is_modal(sentence, m.start(), m.group(0))
        for m in re.finditer("必须|务必|应当|要", sentence)
    )


def _plain_subject(subject: str) -> bool:
    """No subject, a generic one (各地各部门, 我们) or a time (今年, 年底前)."""
    subject = subject.rstrip("，,也还都")
    return (
        not subject
        or bool(_GENERIC.fullmatch(subject))
        or bool(_TIME_SUBJECT.fullmatch(subject))
        or _time_end(subject, 0, len(subject)) == len(subject)
        or bool(re.fullmatch(r"(今年|明年|下一步)?[，,]?(我们|我市|我省|全市|全省)", subject))
    )


def _owner(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The named unit of the subject text[start:end] (海宁市, 市经信局; the first of 市住建局、
    市交通运输局), None for a generic subject (各地各部门, 国有企业)."""
    start, end = trim(text, start, end)
    while end > start and text[end - 1] in "，也还都":
        end -= 1
    time = _time_end(text, start, end)
    if time:  # 年底前市经信局要…
        start = time
    first = text.find("、", start, end)
    if first > start:
        end = first
    subject = text[start:end]
    if not subject or _plain_subject(subject) or _NOT_IN_SUBJECT.search(subject):
        return None
    if subject.startswith(("各", "全", "有关", "相关", "每个", "每一", "所有")) or _ADVERBS.match(
        subject
    ):
        return None
    if re.search("以上|以下|各级|所有|有关", subject):
        return None
    return (start, end) if _UNIT.fullmatch(subject) else None


def _verb_soon(text: str, pos: int, end: int) -> bool:
    pos = _skip_time(text, pos, end)
    return bool(verb_at(text, pos)) or any(
        verb_at(text, at, listed_only=True) for at in range(pos, min(end, pos + REACH))
    )


def _opens_task(text: str, pos: int, end: int) -> bool:
    """A part without a modal is a task when it starts with a verb (after a time phrase and
    adverbs), or with a preposition (在, 对, 向, 将 …) and a verb soon after."""
    first = pos
    pos = _skip_time(text, pos, end)
    adverbs = _ADVERBS.match(text, pos, end)
    if adverbs and (
        verb_at(text, adverbs.end()) or text[adverbs.end() : adverbs.end() + 1] in _PREP
    ):
        pos = adverbs.end()
    size = verb_at(text, pos)
    if size:  # a verb with an object, or after a time or an adverb (11月15日起正式供热)
        return end - pos > size or pos > first
    if text[pos : pos + 1] and text[pos] in _PREPOSITIONS:
        if text[pos] == "在" and end - pos >= 8 and not _STATE.search(text, pos, end):
            return True  # 在城区32处易涝点位预置移动泵车: a place, then the work done there
        return any(verb_at(text, at) for at in range(pos + 2, min(end, pos + REACH)))
    return False


_PREP = tuple(_PREPOSITIONS)


def _time_end(text: str, pos: int, end: int) -> int | None:
    """Where a time phrase at text[pos] ends (the deadlines and cadences `timing` reads, and
    a year named alone), or None."""
    year = _YEAR_WORD.match(text, pos, end)
    ends = [time_phrase_end(text, pos, end), year.end() if year else None]
    return max((e for e in ends if e), default=None)


def _skip_time(text: str, pos: int, end: int) -> int:
    time = _time_end(text, pos, end)
    if time:
        time = _time_end(text, time, end) or time  # 在每年一季度末前…
        after = time + (text[time : time + 1] == "，")
        nxt = text[after : after + 1]
        if (
            verb_at(text, after)
            or _ADVERBS.match(text, after, end)
            or (nxt and nxt in _PREPOSITIONS)
        ):
            return after
    return pos


def _after(pattern: re.Pattern, text: str, pos: int, end: int) -> int:
    match = pattern.match(text, pos, end)
    return match.end() if match and match.end() < end else pos


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " 　\t\r\n":
        start += 1
    enumerator = ENUMERATOR.match(text, start, end)
    if enumerator:
        start = enumerator.end()
    while end > start and text[end - 1] in " 　\t\r\n。！？；":
        end -= 1
    return start, end


def tidy(text: str, start: int, end: int) -> tuple[int, int] | None:
    start, end = trim(text, start, end)
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    while start < end and text[start] in _TRAILING:
        start += 1
    return (start, end) if any(ch.isalnum() for ch in text[start:end]) else None
