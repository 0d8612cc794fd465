"""Directives of English texts, often translated from Chinese: "it is necessary to …",
"X should …", "we will …", "X will be improved", "Efforts should be made to …", imperatives
("Focus on …"), "called for …", and the task lists of circulars. A sentence is cut at
top-level commas and semicolons where the next part opens a task of its own."""

from __future__ import annotations

import re
from dataclasses import replace

from .sentences import QUOTES, Clause, shared_owners, trim

# Verbs that open an instruction. Nouns that double as verbs in these texts ("research",
# "trade", "service", "support" after "and") are handled where they stand.
VERBS = frozenset(
    """absorb accelerate accept achieve adapt add address adhere adjust admit adopt advance
    allocate announce answer apply approve arrange assess assign attach attend attract audit
    authorize award ban base blacklist boost break breed bring broaden build cancel carry
    certify check circulate clarify classify clean clear close collect combine commend
    compensate compile complete conclude conduct connect consolidate construct contact continue
    contract control convene cooperate coordinate correct cover crack create criticize
    cultivate cut decrease deduct deepen define deliver demolish deploy designate develop
    digitalize digitize disclose dismantle dispatch distribute divide do double draft draw
    dredge drive educate eliminate employ encourage enforce enhance enlarge enlist enrol enroll
    ensure equip establish evacuate evaluate examine expand expedite explore expose extend
    extinguish facilitate fight file fill finance fine finish fix focus follow form formulate
    foster freeze fund further gather give grant grasp guarantee guard guide handle harden
    harvest help highlight hire hold host identify implement impose improve include incorporate
    increase incubate inform initiate innovate inspect install integrate intensify interview
    introduce invest investigate invite involve irrigate issue keep launch lay lead lengthen
    levy license link list lower maintain make manage merge migrate mobilise mobilize modernise
    modernize monitor name notify nurture offer open operate optimise optimize order organise
    organize oversee partner patrol pay penalize permit persuade pilot plan plant popularize
    post praise prepare prevent prioritise prioritize process procure prohibit promote
    prosecute protect provide publicize publish punish purchase purify pursue push put raise
    reach rebuild recognize recommend record recover recruit rectify recycle reduce reform
    regard register regulate reimburse reinforce release relocate rely remove renew renovate
    repair repay replace replenish replicate reply report require rescue resolve respond
    restore restrict retain retrofit return review revise revitalize revoke reward run
    safeguard sample sanction schedule screen secure seize select send serve set settle share
    shorten shut sign simplify solicit solve speed spread stabilize staff standardise
    standardize start steer step stimulate stop store streamline strengthen strive submit
    subsidize summarize summon supervise supply support survey suspend sustain tackle take tap
    test tighten trace track train transfer transform treat unify update upgrade use utilise
    utilize verify visit waive warn watch widen win withhold work""".split()
)
ADVERBS = frozenset(
    """further vigorously actively continuously constantly also firmly earnestly effectively
    steadily comprehensively resolutely fully strictly promptly quickly jointly properly
    gradually systematically thoroughly strongly rigorously immediately still jointly regularly
    basically vigorously timely orderly""".split()
)
_VERBS_AND_ADVERBS = VERBS | ADVERBS
_MODAL = re.compile(
    r"\b(?=[iemswnhacup])(?:it\s+is\s+(?:necessary|essential|imperative|important|urgent|vital)\s+to"
    r"|efforts\s+(?:should|must|will|shall)\s+(?:also\s+)?be\s+made\s+to"
    r"|(?:must|should|shall|will|need\s+to|needs\s+to|has\s+to|have\s+to|is\s+to|are\s+to)"
    r"(?:\s+also)?"
    r"|called\s+for(?:\s+efforts\s+to)?|calls\s+for(?:\s+efforts\s+to)?|urged?\s+\w+\s+to"
    r"|please)\b\s*",
    re.I,
)
# A past participle: "established", "built", "set" …
_PARTICIPLE = (
    r"(?:\w+ed|built|made|set|kept|given|taken|drawn|held|done|laid|shut|cut|put|brought|sought"
    r"|won|run|begun|met|paid|sent)"
)
_PASSIVE = re.compile(
    r"(?:be|been)\s+(?:(?:\w+ly|further|also|still|fully|all|newly|well)\s+)*"
    rf"(?:{_PARTICIPLE}|in\s+place|in\s+operation|in\s+use|available)\b",
    re.I,
)
# A measured target: "the number of 5G base stations will reach 250,000".
_TARGET = re.compile(
    r"(?:reach|exceed|account\s+for|stay|remain|rise|increase|grow|fall|drop|top|surpass|have"
    r"|cover|total|achieve)\b",
    re.I,
)
# What follows a task without being one: its purpose or hoped-for outcome.
_OUTCOME = re.compile(r"(?:so\s+as\s+to|so\s+that|in\s+order\s+to|thus|thereby)\b", re.I)
# What continues the task before: "…, 10 of which will reach …", "…, which …".
_RELATIVE = re.compile(r"(?:\S+\s+of\s+(?:which|whom)|which|who|whose|where)\b", re.I)
# The time or target of the same work: "…, and complete the first batch by the end of 2025".
_SAME_WORK = re.compile(
    r"(?:and\s+)?(?:(?:complete|finish)\s+(?:it|them|all\s+of\s+them|the\s+(?:first|second|"
    r"whole|entire|remaining|task|work|project)\w*(?:\s+\w+)?)|put\s+(?:it|them)\s+into"
    r"\s+(?:use|operation|service|trial\s+operation))\b",
    re.I,
)
_UNIT = re.compile(
    r"(?:[A-Z][\w'’-]*\s+|of\s+|and\s+|for\s+|the\s+)*(?:Bureau|Commission|Department|Office"
    r"|Ministry|Government|City|County|District|University|Committee|Administration|Center"
    r"|Centre|Group|Company|Bank|Association|Authority|Agency|Council|Township|Town|Village"
    r"|Zone|Institute|College|Court|Procuratorate|Federation|Corporation|Team)"
    r"(?:\s+(?:of|for)\s+(?:the\s+)?(?:[A-Z][\w'’-]*(?:\s+and)?\s*)+)?",
)
_GENERIC_SUBJECT = re.compile(
    r"(?:we|all\b.*|relevant\b.*|the\s+relevant\b.*|governments?\s+at\s+all\s+levels.*"
    r"|local\s+governments?|each\s+\w+|every\s+\w+|the\s+(?:province|city|county|district|"
    r"municipality|government)|our\s+\w+|party\s+committees.*|departments.*|localities.*)",
    re.I,
)
_UNIT_WORD = re.compile(
    r"\b(?:bureau|commission|department|office|ministry|government|city|county|district"
    r"|university|committee|administration|cent(?:er|re)|group|company|bank|association"
    r"|authority|agency|agencies|council|township|town|village|zone|area|institute|college"
    r"|court|procuratorate|federation|corporation|team|park|detachment|brigade|station"
    r"|hospital|school|branch|headquarters|secretariat|division|bureaux)s?\b",
    re.I,
)
_NOT_A_SUBJECT = re.compile(r"(?:this|that|it|which|these|they|there|he|she)\b", re.I)
# Who acts (the span begins after the modal) rather than what is acted on (the whole clause).
_ACTORS = re.compile(
    r"\b(?:enterprises|companies|firms|schools|hospitals|universities|colleges|banks|villages"
    r"|communities|towns|townships|counties|cities|districts|localities|departments|units"
    r"|governments|committees|leaders|officials|cadres|chiefs|teams|staff|principals|people"
    r"|residents|everyone|members|authorities|agencies|offices|bureaus|institutions|operators"
    r"|owners|employers|platforms|organizations|organisations|associations|providers|doctors"
    r"|physicians|teachers|police|inspectors|we|you|contractors|developers|builders|suppliers"
    r"|producers|farmers|households|students|parents|drivers|workers|sellers|merchants|landlords"
    r"|managers|users|applicants|holders|those|persons|heads|secretaries|mayors)\b",
    re.I,
)
_CONNECTIVE = re.compile(
    r"(?:and\s+|also\s+|at\s+the\s+same\s+time,?\s+|meanwhile,?\s+|in\s+addition,?\s+"
    r"|moreover,?\s+|furthermore,?\s+|then\s+)+",
    re.I,
)
_LEAD = re.compile(r"(?:in\s+order\s+)?to\s+\w+", re.I)
_CALLED_ON = re.compile(
    r"\b(?:called|calls|urged|urges|asked|asks|required|requires)\s+(?:on\s+|upon\s+)?"
    r"(?P<who>(?:the\s+)?[A-Z][^,;]{2,80}?)\s+to\s+"
)
_THAT_PASSIVE = re.compile(
    rf"(?:that\s+)?[\w“”\"'’ -]{{2,90}}?\s+be\s+(?:(?:\w+ly|further|also|all)\s+)*{_PARTICIPLE}\b",
    re.I,
)
_THAT = re.compile(r"that\s+", re.I)
_CONDITION = re.compile(r"(?:where|if|when|once|in\s+case)\b", re.I)
_EFFORTS = re.compile(r"(?:make\s+)?efforts\s+to\s+", re.I)
_CALLED_FOR_GERUND = re.compile(r"\bcall(?:ed|s)?\s+for\s+(?=\w+ing\b)", re.I)
_SPEECH = re.compile(
    r"\b(?=[spnrdamu])(?<!\bbe\s)(?<!been\s)(?<!\bis\s)(?<!are\s)(?<!was\s)(?<!were\s)"
    r"(?:said|pointed\s+out|stressed|emphasi[sz]ed|noted|required|demanded|added"
    r"|made\s+it\s+clear|underlined|underscored)(?:\s+that)?\b[,:]?\s*",
    re.I,
)
_REPORTING = re.compile(
    r"^according\s+to\b|\b(?=[wphac])(?:(?:was|were)\s+held\b|held\s+(?:a|an|the)\b"
    r"|presided\s+over\b|attended\b|chaired\b)",
    re.I,
)
_CONTACT = re.compile(
    r"(?:contact(?:\s+person)?|tel(?:ephone)?|phone|fax|e-?mail|address|attachments?)\s*:", re.I
)
_PREAMBLE = re.compile(
    r"^(?:in\s+order\s+to|to)\b.*\b(?:this|these|the\s+following)\b.*\b(?:is|are)\s+"
    r"(?:hereby\s+)?(?:formulated|issued|put\s+forward|notified|developed|drawn\s+up)",
    re.I,
)
_PAST = re.compile(
    r"\b(?:has|have|had)\s+(?:\w+ly\s+)?(?:been\s+)?\w+(?:ed|en|t)\b|\b(?:achieved|was|were"
    r"|last\s+year|over\s+the\s+past|so\s+far|since\s+\d{4})\b",
    re.I,
)
_OWNER_LINE = re.compile(
    r"\(?\s*(?:lead(?:ing)?\s+(?:unit|department|agency)s?|responsible\s+(?:units?|departments?)"
    r"|led\s+by)\s*:\s*",
    re.I,
)
_TIME_LINE = re.compile(r"\(?\s*(?:deadline|time\s+limit|completion\s+time|due)\s*:", re.I)
_OWNER_BRACKET = re.compile(
    r"\(\s*(?:(?:lead(?:ing)?\s+(?:unit|department|agency)s?|responsible\s+(?:units?|departments?))"
    r"\s*:\s*|led\s+by\s+)",
    re.I,
)
_AGENT = re.compile(
    r"\bby\s+(?:the\s+)?(?=(?:municipal|provincial|county|city|district)\b|[A-Z])", re.I
)
_NEW_ACT = re.compile(
    r"(?:and\s+)?(?:urged|called|stressed|pointed|demanded|asked|required|said|noted|added)\b",
    re.I,
)
_TIME_LEAD = re.compile(
    r"(?:by|before|within|in|this|next|from|over|during|starting|at)\b[^,;]{0,40}$", re.I
)
_LED_BY_PART = re.compile(r"(?:led|headed|coordinated)\s+by\s+(?:the\s+)?", re.I)
_LED_BY = re.compile(r",?\s*(?:led|headed)\s+by\s+(?:the\s+)?", re.I)
_WORD = re.compile(r"[A-Za-z]+")
_ABBREVIATIONS = (" etc.", " Co.", " Ltd.", " Inc.")
_ENUMERATOR = re.compile(
    r"(?:\(?[0-9]{1,2}[.)]|\([ivxIVX]{1,4}\)|[IVX]{1,4}\.|\([a-z]\)|[a-z]\))(?:\s+|$)"
)


def is_reporting(sentence: str) -> bool:
    """True for a sentence that reports the occasion rather than conveying an instruction."""
    return bool(_REPORTING.search(sentence)) and not _SPEECH.search(sentence)


def owner_line(text: str, start: int, end: int) -> tuple[int, int] | None | bool:
    """For a "Lead unit: X" / "(Responsible units: X, Y)" line, its first unit; else False."""
    line = _OWNER_LINE.match(text, start, end)
    if line is None:
        return False
    return _first_unit(text, line.end(), end)


def named_subject(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The named unit before the sentence's modal ("The Bureau of Commerce should …")."""
    modal = _MODAL.search(text, start, end)
    if modal is None or _verbless_lead(text, start, modal.start()):
        return None
    return _owner(text, start, modal.start())


def starts_item(text: str, start: int, end: int) -> bool:
    """Whether the sentence text[start:end] opens a numbered item ("(1) …", "2. …")."""
    return bool(_ENUMERATOR.match(text, start, end))


def closing_owner(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The unit of a "(Lead unit: …)" bracket that closes the sentence: it owns the tasks of
    its item that name no owner."""
    bracket = _OWNER_BRACKET.search(text, start, end)
    if bracket is None or text[start:end].rstrip(" .").endswith(")") is False:
        return None
    close = text.find(")", bracket.end(), end)
    return _first_unit(text, bracket.end(), close if close > 0 else end)


def time_line(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a "Deadline: …" line (its time governs the item's tasks)."""
    return bool(_TIME_LINE.match(text, start, end))


def _first_unit(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The first unit of a list: up to the first semicolon when there is one (a unit's name
    may hold commas: "Bureau of Culture, Radio, Television and Tourism"), else the first comma."""
    stops = ";()" if ";" in text[start:end] else ",;()"
    match = re.compile(
        rf"(?:the\s+)?([^{re.escape(stops)}]+?)\s*(?:[{re.escape(stops)}]|$|\.\s*$)", re.I
    ).match(text, start, end)
    if not match or not match.group(1).strip():
        return None
    return match.span(1)


def sentence_clauses(text: str, start: int, end: int) -> list[Clause]:
    """The directives of the sentence text[start:end], in order."""
    sentence = text[start:end]
    if is_reporting(sentence) or _PREAMBLE.match(sentence) or _CONTACT.match(sentence):
        return []
    if _PAST.search(sentence) and not _MODAL.search(sentence):
        return []
    enumerator = _ENUMERATOR.match(text, start, end)
    if enumerator:
        start = enumerator.end()
    bracket = _OWNER_BRACKET.search(text, start, end)
    owner_bracket = None
    if bracket:
        close = text.find(")", bracket.end(), end)
        owner_bracket = _first_unit(text, bracket.end(), close if close > 0 else end)
        end = bracket.start()
    found: list[Clause] = []
    stopped = False
    pending = None  # where a subject cut by commas began
    for part_start, part_end in _parts(text, start, end):
        if _OUTCOME.match(text, part_start, part_end):
            stopped = True
            continue
        if _NEW_ACT.match(text, part_start, part_end):
            stopped = True  # "…, and urged cadres to …": a new speech act, never the last task
        led = _LED_BY_PART.match(text, part_start, part_end)
        if found and led:  # "…will be established, led by the Municipal Office"
            if found[-1].owner is None:
                found[-1] = replace(found[-1], owner=_unit_at(text, led.end(), part_end))
            continue
        if found and (
            _RELATIVE.match(text, part_start, part_end)
            or _SAME_WORK.match(text, part_start, part_end)
        ):
            found[-1] = replace(found[-1], end=part_end)
            continue
        clause = _clause(text, part_start, part_end, after_task=bool(found))
        if clause is not None and clause.start == part_start and clause.subject and pending:
            # "Hidden dangers in reservoirs, dykes, sluices … must be rectified": the list
            # before the commas is the subject of the whole clause.
            clause = replace(clause, start=pending, head=pending)
        if (
            clause is None
            and pending is None
            and not found
            and not _TIME_LEAD.match(text, part_start, part_end)
            and not _CONDITION.match(text, part_start, part_end)
        ):
            pending = part_start
        elif clause is not None or found:
            pending = None
        if clause is not None:
            found.extend(_split_and(text, clause))
            stopped = False
        elif found and not stopped:
            found[-1] = replace(found[-1], end=part_end)
    if not found:
        lead = _LEAD.match(text, start, end)
        if lead and _is_lead(text, start) and text.find(",", start, end) < 0:
            # "To promote the application of blockchain technology.": no list follows.
            found = [Clause(_past(re.compile(r"to\s+", re.I), text, start, end), end, start)]
    if owner_bracket:
        found = [c if c.owner else replace(c, owner=owner_bracket) for c in found]
    return shared_owners(found)


def _parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] cut at top-level commas and semicolons (not in brackets or quotes)."""
    parts, part_start, depth, in_quote = [], start, 0, False
    for mark in _MARKS.finditer(text, start, end):
        char, pos = mark.group(0), mark.start()
        if char in QUOTES:
            in_quote = not in_quote
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif not in_quote and depth == 0 and not _in_number(text, pos):
            parts.append((part_start, pos))
            part_start = pos + 1
    parts.append((part_start, end))
    return [(s, e) for s, e in (trim(text, s, e) for s, e in parts) if e > s]


_MARKS = re.compile(r"[,;:()\[\]\"“”]")


def _in_number(text: str, pos: int) -> bool:
    return text[pos] == "," and text[pos - 1 : pos].isdigit() and text[pos + 1 : pos + 2].isdigit()


def _clause(text: str, start: int, end: int, *, after_task: bool) -> Clause | None:
    head = start
    if re.compile(r"\bthe\s+following\b(?:\s+\w+){0,3}[\s.:;]*$", re.I).search(text, start, end):
        return None  # "focus on the following priorities": a heading of what follows
    pos = _past(_CONNECTIVE, text, start, end)
    speech = _SPEECH.search(text, pos, end)
    if speech and speech.end() < end:
        pos = speech.end()
        pos = _past(_CONNECTIVE, text, pos, end)
    called = _CALLED_ON.search(text, pos, end)
    if called and _starts_with_verb(text, called.end(), end):
        owner = _owner(text, called.start("who"), called.end("who"))
        return Clause(called.end(), end, head, owner, subject=True)
    gerund = _CALLED_FOR_GERUND.search(text, pos, end)
    if gerund:
        return Clause(gerund.end(), end, head, None, subject=True)
    subjunctive = (speech or after_task) and not _MODAL.search(text, pos, end)
    passive = _THAT_PASSIVE.match(text, pos, end) if subjunctive else None
    if passive:  # "required that complaints be accepted on the day they are received"
        return Clause(_past(_THAT, text, pos, end), end, head, None, subject=True)
    efforts = _EFFORTS.match(text, pos, end)
    if efforts and _starts_with_verb(text, efforts.end(), end):  # "Efforts to train …"
        return Clause(efforts.end(), end, head, None)
    modal = _MODAL.search(text, pos, end)
    if speech and (modal is None or _verbless_lead(text, pos, modal.start())):
        verb = _subjunctive(text, pos, end)  # "demanded that the Bureau take the lead in …"
        if verb is not None:
            return Clause(verb, end, head, _owner(text, pos, verb), subject=True)
    if modal and not _verbless_lead(text, pos, modal.start()):
        subject_start, subject_end = trim(text, pos, modal.start())
        subject = text[subject_start:subject_end]
        after = modal.end()
        calling = modal.group(0).lower().startswith(("call", "urge", "please"))
        pronoun = subject and _NOT_A_SUBJECT.fullmatch(subject.split()[0])
        if pronoun and not _is_lead(text, pos) and not calling:
            return None
        if _PASSIVE.match(text, after, end) and not modal.group(0).lower().startswith(
            ("it ", "efforts")
        ):
            owner = None
            led = _LED_BY.search(text, subject_start, end) or _AGENT.search(text, after, end)
            if led:
                owner = _unit_at(text, led.end(), end)
            return Clause(subject_start if subject else pos, end, head, owner, subject=True)
        head_noun = re.split(r"\s+(?:of|in|for)\s+", subject, maxsplit=1)[0]
        future = modal.group(0).lower().startswith("will")
        if (
            future
            and subject
            and not _TARGET.match(text, after, end)
            and not _owner(text, subject_start, subject_end)
            and not _GENERIC_SUBJECT.fullmatch(subject)
            and not _ACTORS.search(head_noun)
            and not re.match(r"(?:each|every|all)\b", subject, re.I)
        ):
            return None  # "The autumn harvest will begin in early October": what will happen
        if (
            subject
            and not _owner(text, subject_start, subject_end)
            and (_TARGET.match(text, after, end) or not _GENERIC_SUBJECT.fullmatch(subject))
            and (_TARGET.match(text, after, end) or not _ACTORS.search(head_noun))
            and (_TARGET.match(text, after, end) or not re.match(r"each\b", subject, re.I))
            and not modal.group(0).lower().startswith(("it ", "efforts", "call", "please", "urge"))
            and not _NOT_A_SUBJECT.match(subject)
        ):
            # What is acted on is the subject ("Signed projects should start construction …",
            # "the number of 5G base stations will reach …"): the whole clause.
            return Clause(subject_start, end, head, None, subject=True)
        if (
            not _starts_with_verb(text, after, end)
            and not subject.lower().startswith("we")
            and not _verb_soon(text, after, end)
        ):
            return None
        owner = _owner(text, subject_start, subject_end)
        led = _LED_BY.search(text, after, end)
        if owner is None and led:
            owner = _unit_at(text, led.end(), end)
            if owner:
                return Clause(after, led.start(), head, owner)
        return Clause(after, end, head, owner)
    if _is_lead(text, pos) and not after_task:
        return None
    if (
        after_task
        and re.compile(r"to\s+", re.I).match(text, pos, end)
        and _starts_with_verb(text, pos + 3, end)
    ):
        pos = _past(re.compile(r"to\s+", re.I), text, pos, end)
    if _starts_with_verb(text, pos, end):
        led = _LED_BY.search(text, pos, end)
        owner = _unit_at(text, led.end(), end) if led else None
        return Clause(pos, led.start() if owner else end, head, owner)
    return None


def _subjunctive(text: str, pos: int, end: int) -> int | None:
    """After "demanded that": where the verb after a short subject starts (a subject that
    names a unit or is generic), or None."""
    words = list(_WORD.finditer(text, pos, min(end, pos + 160)))
    for word in words[1:12]:
        if word.group(0).lower() in VERBS:
            subject = text[pos : word.start()]
            if _owner(text, pos, word.start()) or _GENERIC_SUBJECT.fullmatch(subject.strip()):
                return word.start()
            return None
    return None


def _verbless_lead(text: str, start: int, modal_at: int) -> bool:
    """A subject too long to be one: the modal belongs to a later clause of the part."""
    return len(_WORD.findall(text[start:modal_at])) > 20


def _is_lead(text: str, pos: int) -> bool:
    """ "To speed up breakthroughs," heading a list: a purpose, not a task."""
    lead = _LEAD.match(text, pos)
    return bool(lead) and lead.group(0).split()[-1].lower() in VERBS


def _starts_with_verb(text: str, pos: int, end: int) -> bool:
    words = [m.group(0).lower() for m in _WORD.finditer(text, pos, min(end, pos + 60))]
    index = 0
    if words[index : index + 1] == ["to"]:
        index += 1
    while index < len(words) and words[index] in ADVERBS:
        index += 1
    return index < len(words) and words[index] in VERBS and len(words) > index + 1


def _verb_soon(text: str, pos: int, end: int) -> bool:
    words = [m.group(0).lower() for m in _WORD.finditer(text, pos, min(end, pos + 50))][:5]
    return any(word in VERBS for word in words)


def _words_near(text: str, start: int, end: int) -> list[str]:
    """The first word of text[start:end], then its last two (enough to judge a list)."""
    first = _WORD.search(text, start, min(end, start + 40))
    last = [m.group(0).lower() for m in _WORD.finditer(text, max(start, end - 60), end)][-2:]
    if first is None or not last:
        return []
    count = 3 if end - start > 60 else len(_WORD.findall(text, start, end))
    return [first.group(0).lower(), *(["…"] * max(0, count - 3)), *last][-max(count, 1) :]


def _split_and(text: str, clause: Clause) -> list[Clause]:
    """ "strengthen basic research and break through key technologies": two tasks when the
    word after "and" is a verb with an object and a verb with an object came before."""
    pieces, piece_start = [], clause.start
    for match in re.finditer(r"\s+and\s+", text[clause.start : clause.end]):
        at = clause.start + match.start()
        after = clause.start + match.end()
        left = _words_near(text, piece_start, at)
        right = [
            m.group(0).lower() for m in _WORD.finditer(text, after, min(clause.end, after + 80))
        ]
        if right[:1] == ["to"] and right[1:2] and right[1] in VERBS:
            right = right[1:]
            after = _past(re.compile(r"to\s+", re.I), text, after, clause.end)
        if (
            len(left) >= 3
            and left[-1] not in VERBS
            and left[0] in _VERBS_AND_ADVERBS
            and right
            and right[0] in VERBS
            and len(right) >= 3
            and right[1] not in ("and", "of")
        ):
            pieces.append((piece_start, at))
            piece_start = after
    pieces.append((piece_start, clause.end))
    return [
        replace(clause, start=s, end=e, head=clause.head if i == 0 else s)
        for i, (s, e) in enumerate(pieces)
    ]


def _owner(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The subject text[start:end] without its article when it names a unit ("the Municipal
    Bureau of Commerce", "Haining City", "provincial departments of commerce"), None for a
    generic one ("we", "all localities", "departments at all levels")."""
    start, end = trim(text, start, end)
    article = re.compile(r"the\s+", re.I).match(text, start, end)
    if article:
        start = article.end()
    subject = text[start:end]
    if not subject or _GENERIC_SUBJECT.fullmatch(subject) or len(subject.split()) > 14:
        return None
    if re.search(r"\b(?:at\s+all\s+levels|all|relevant|each|every|various)\b", subject, re.I):
        return None
    if re.fullmatch(
        r"(?:(?:cities|counties|districts|towns|townships|villages)(?:\s+and\s+)?)+", subject, re.I
    ):
        return None  # "cities and districts": every one of them, no one unit
    head = re.split(r"\s+(?:of|in|for|on)\s+", subject, maxsplit=1)
    if "'s " in head[0] or "’s " in head[0] or not _UNIT_WORD.search(head[0]):
        return None
    if re.fullmatch(
        r"(?:city|province|county|district|municipality|government|town)", head[0], re.I
    ):
        return None
    return start, end


def _unit_at(text: str, start: int, end: int) -> tuple[int, int] | None:
    unit = _UNIT.match(text, start, end) or _LOWER_UNIT.match(text, start, end)
    return unit.span() if unit else None


_LOWER_UNIT = re.compile(
    r"(?:(?:municipal|provincial|county|city|district|people's)\s+)+\w+(?:\s+\w+)?"
    r"(?=\s*(?:[,;.)]|$|\s+(?:and|in|to|from|with)\b))",
    re.I,
)


def _past(pattern: re.Pattern, text: str, pos: int, end: int) -> int:
    match = pattern.match(text, pos, end)
    return match.end() if match and match.end() < end else pos


def _tidy(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a clause of white space, trailing punctuation and a dangling quote."""
    start, end = trim(text, start, end)
    while end > start and (
        text[end - 1] in ".,;:!?" or text[end - 1].isspace() or _dangling_quote(text, start, end)
    ):
        if text[end - 1] == "." and text[start:end].endswith(_ABBREVIATIONS):
            break
        end -= 1
    return (start, end) if any(ch.isalnum() for ch in text[start:end]) else None


def _dangling_quote(text: str, start: int, end: int) -> bool:
    fragment = text[start:end]
    return fragment[-1] in QUOTES and sum(fragment.count(q) for q in QUOTES) % 2 == 1
