"""Which department the owner a directive's text names is: 市经信局 is the city's 工业和信息化局
(or 经济和信息化局), "the Municipal Science and Technology Bureau" its Science and
Technology Bureau, 海宁市 the sub-unit Haining. A suggestion for the reviewer, never an
assignment."""

from __future__ import annotations

import re

from ..models import City, Department

# Short names of government bodies as speeches and notices use them, and the words of the
# full names they stand for (one short name may stand for either of two common names).
ABBREVIATIONS = {
    "发改委": ("发展和改革委员会", "发展改革委员会"),
    "发展改革委": ("发展和改革委员会", "发展改革委员会"),
    "发改局": ("发展和改革局", "发展改革局"),
    "经信局": ("经济和信息化局", "工业和信息化局"),
    "经信委": ("经济和信息化委员会",),
    "工信局": ("工业和信息化局", "经济和信息化局"),
    "科技局": ("科学技术局",),
    "人社局": ("人力资源和社会保障局",),
    "住建局": ("住房和城乡建设局",),
    "交通局": ("交通运输局",),
    "卫健委": ("卫生健康委员会",),
    "卫健局": ("卫生健康局",),
    "应急局": ("应急管理局",),
    "市场监管局": ("市场监督管理局",),
    "生态环境局": ("生态环境局",),
    "自然资源局": ("自然资源和规划局", "自然资源局"),
    "规划资源局": ("自然资源和规划局", "规划和自然资源局"),
    "文广旅局": ("文化广电和旅游局", "文化和旅游局"),
    "文旅局": ("文化和旅游局", "文化广电和旅游局"),
    "城管局": ("城市管理局", "综合行政执法局"),
    "医保局": ("医疗保障局",),
    "国资委": ("国有资产监督管理委员会",),
    "金融办": ("地方金融监督管理局", "金融工作办公室"),
    "大数据局": ("大数据管理局", "大数据发展管理局", "数据资源管理局"),
    "数据局": ("数据资源管理局", "大数据管理局"),
    "网信办": ("网络安全和信息化委员会办公室", "网信办"),
    "投促中心": ("投资促进中心",),
    "审批局": ("行政审批局", "行政审批服务局"),
    "农业农村局": ("农业农村局",),
    "民政局": ("民政局",),
    "教育局": ("教育局",),
    "商务局": ("商务局",),
    "财政局": ("财政局",),
    "公安局": ("公安局",),
    "司法局": ("司法局",),
    "水利局": ("水利局",),
    "统计局": ("统计局",),
    "审计局": ("审计局",),
    "河长办": ("河长制办公室", "河湖长制办公室"),
    "人才办": ("人才工作领导小组办公室",),
    "督查室": ("督查室",),
}
# Words every body's name has, which tell none apart.
_CHINESE_PREFIX = re.compile(r"^(中共)?(?:[省区县]|市(?!场))?(委|政府)?")
# A province's, the state's or a ministry's body: none of the city's departments.
_ABOVE = re.compile(
    r"(省|国家|国务院|中央|自治区|部委|中共中央)|(?:provincial|national|state|central|ministry|"
    r"\w+\s+province)\b|[A-Z]\w+\s+Provincial\b",
    re.I,
)
_GOVERNMENT = re.compile(
    r"(?:市|县|区)?(?:人民)?政府|(?:city|county|district|municipal)?\s*(?:people's\s+)?government",
    re.I,
)
_OTHER_PLACE = re.compile(
    r"[\u4e00-\u9fff]{2,4}(?:区|县|市|镇|乡)(?!委|政府|长)[\u4e00-\u9fff]|[A-Z][a-z]+\s+(?:District|County|City)\s+\w"
)
_TYPE = re.compile(r"(委员会|局|委|办公室|办|中心|室|厅)$")
_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\(?\d{1,2}[.)．、])\s*"
)
_ENGLISH_GENERIC = frozenset(
    """the of and for municipal city provincial province county district people's peoples
    government bureau commission department office administration committee""".split()
)
_WORD = re.compile(r"[a-z]+")


def suggested_department(city: City, phrase: str | None) -> Department | None:
    """The department of `city` or of one of its sub-units that `phrase` names, or None when
    none or more than one matches equally."""
    if not phrase:
        return None
    phrase = re.sub(r"^the\s+", "", _ENUMERATOR.sub("", phrase.strip()), flags=re.I)
    if _ABOVE.match(phrase):
        return None  # 省发改委, "the Ministry of Finance": not a department of the city
    phrase, named_city = _without_city(city, phrase)
    if named_city and (not phrase or _GOVERNMENT.fullmatch(phrase)):
        return _main_department(city)  # 海宁市要… in Haining's own speech
    unit, rest = _sub_unit(city, phrase)
    if unit is None and not named_city and _OTHER_PLACE.match(phrase):
        return None  # 南湖区财政局, "Jiangning District Finance Bureau": another place's body
    if unit and (not rest or _GOVERNMENT.fullmatch(rest)):
        return _main_department(unit)  # 海宁市, 海宁市政府, "the Haining City Government"
    if unit:
        return _best(rest or phrase, unit.departments)
    # No sub-unit named: the city's own body (市经信局), else one of a sub-unit's.
    return _best(phrase, city.departments) or _best(phrase, _departments_within(city))


def _best(phrase: str, departments) -> Department | None:
    """The one department scoring highest for the phrase; None for none or a tie."""
    scored = sorted(((_score(phrase, d), d.id, d) for d in departments), key=lambda t: t[:2])
    scored = [s for s in scored if s[0] > 0]
    if not scored or (len(scored) > 1 and scored[-1][0] == scored[-2][0]):
        return None
    return scored[-1][2]


def _without_city(city: City, phrase: str) -> tuple[str, bool]:
    """南京市科技局 → (市科技局, True), "Nanjing Municipal Bureau" → ("Municipal Bureau",
    True); a phrase that does not start with the city's name comes back as it is."""
    for name in filter(None, (city.name_zh, city.name)):
        short = re.sub(r"(市|县|区| City| County| District)$", "", name)
        for form in sorted({name, short}, key=len, reverse=True):
            if len(form) >= 2 and phrase.lower().startswith(form.lower()):
                rest = phrase[len(form) :].strip()
                rest = re.sub(r"^(city|county|district)\b", "", rest, flags=re.I).strip()
                if rest and form == name and name.endswith("市"):
                    rest = "市" + rest
                return rest, True
    return phrase, False


def _departments_within(city: City) -> list[Department]:
    return [*city.departments, *(d for unit in city.sub_units for d in unit.departments)]


def _sub_unit(city: City, phrase: str) -> tuple[City | None, str]:
    """The sub-unit the phrase begins with (海宁市发改局 → Haining, 发改局) and the rest."""
    for unit in city.sub_units:
        for name in filter(None, (unit.name_zh, unit.name)):
            short = re.sub(r"(市|县|区| City| County| District)$", "", name)
            for form in (name, short):
                if form and phrase.lower().startswith(form.lower()) and len(form) >= 2:
                    rest = phrase[len(form) :].strip()
                    rest = re.sub(r"^(city|county|district)\b", "", rest, flags=re.I).strip()
                    return unit, rest
    return None, phrase


def _main_department(unit: City) -> Department | None:
    """A sub-unit named alone: its government (政府, 办公室) department, if it has one."""
    for department in unit.departments:
        names = f"{department.name} {department.name_zh or ''}".lower()
        if "government" in names or "政府" in names or "general office" in names:
            return department
    return unit.departments[0] if len(unit.departments) == 1 else None


def _score(phrase: str, department: Department) -> float:
    """How well `phrase` names `department`: 0 for not at all, up to 1."""
    if re.search("[\u4e00-\u9fff]", phrase):
        return _chinese_score(phrase, department.name_zh or "")
    return _english_score(phrase, department.name)


def _chinese_score(phrase: str, name: str) -> float:
    if not name:
        return 0.0
    core = _CHINESE_PREFIX.sub("", phrase) or phrase
    name_core = _CHINESE_PREFIX.sub("", name) or name
    if core == name_core:
        return 1.0
    full_names = ABBREVIATIONS.get(core, ())
    if name_core in full_names or any(n in name_core for n in full_names):
        return 0.9
    if len(core) >= 3 and (core in name_core or name_core in core):
        return 0.8
    kind, name_kind = _TYPE.search(core), _TYPE.search(name_core)
    if kind and name_kind and kind.group(0)[0] == name_kind.group(0)[0]:
        stem = core[: kind.start()]  # 大数据局 and 大数据发展管理局: the same kind of body
        if len(stem) >= 2 and name_core.startswith(stem):
            return 0.7
    return 0.6 * _dice(core, name_core) if _dice(core, name_core) >= 0.6 else 0.0


def _dice(a: str, b: str) -> float:
    pairs_a = {a[i : i + 2] for i in range(len(a) - 1)}
    pairs_b = {b[i : i + 2] for i in range(len(b) - 1)}
    if not pairs_a or not pairs_b:
        return 0.0
    return 2 * len(pairs_a & pairs_b) / (len(pairs_a) + len(pairs_b))


def _english_score(phrase: str, name: str) -> float:
    words = set(_WORD.findall(phrase.lower())) - _ENGLISH_GENERIC
    name_words = set(_WORD.findall(name.lower())) - _ENGLISH_GENERIC
    if not words or not name_words:
        return 0.0
    if words == name_words:
        return 1.0
    shared = len(words & name_words) / len(words | name_words)
    return shared if shared >= 0.5 else 0.0
