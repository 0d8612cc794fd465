"""The owner a directive's text names (…牵头, 由…负责, "X should …", a sub-unit such as
海宁市) is matched against the city's departments and sub-units, shown on the review page
with the words that gave it, and offered on the assign page: the reviewer confirms it, the
tracker never assigns by itself."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ActionItem, City, Department, Speech, User
from tracker.speeches.owners import suggested_department

CHINESE = """市委书记：加快数字经济发展

据南京日报报道，3月3日，市委召开数字经济工作会议。市委书记在会上强调，要加快推进5G基站建设，
年底前完成新建基站1200个（市工信局牵头，市财政局配合）。由市发改委负责编制数字经济发展规划。
南京市科技局要每季度举办一次科技成果路演活动。江北新区要建设区块链产业园。
"""


def _city(slug: str) -> City:
    return db.session.scalar(select(City).where(City.slug == slug))


def _department(city: str, slug: str) -> Department:
    return db.session.scalar(
        select(Department).join(City).where(City.slug == city, Department.slug == slug)
    )


@pytest.mark.parametrize(
    ("city", "phrase", "department"),
    [
        ("nanjing", "市发改委", ("nanjing", "drc")),
        ("nanjing", "市工信局", ("nanjing", "miit")),
        ("nanjing", "市经信局", ("nanjing", "miit")),  # a short name of either common name
        ("nanjing", "南京市科技局", ("nanjing", "stb")),
        ("nanjing", "市大数据局", ("nanjing", "bigdata")),
        ("nanjing", "Municipal Development and Reform Commission", ("nanjing", "drc")),
        ("nanjing", "Municipal Science and Technology Bureau", ("nanjing", "stb")),
        ("nanjing", "Municipal Bureau of Industry and Information Technology", ("nanjing", "miit")),
        ("jiaxing", "市经信局", ("jiaxing", "eitb")),
        ("jiaxing", "海宁市", ("haining", "government")),  # a sub-unit named alone
        ("jiaxing", "Haining City", ("haining", "government")),
        ("nanjing", "江北新区", None),  # no such department
        ("nanjing", "各地各部门", None),
        ("nanjing", "Municipal Bureau", None),  # says nothing that tells departments apart
        ("nanjing", "", None),
        # Official short names, governments named with their city, a city's own speech:
        ("nanjing", "市发展改革委", ("nanjing", "drc")),
        ("jiaxing", "海宁市政府", ("haining", "government")),
        ("jiaxing", "the Haining City Government", ("haining", "government")),
        ("haining", "海宁市", ("haining", "government")),  # the city's own speech
        ("nanjing", "四、Municipal Science and Technology Bureau", ("nanjing", "stb")),
        # The province's, the state's or another place's bodies: none of the city's.
        ("nanjing", "省发改委", None),
        ("nanjing", "国家发展改革委", None),
        ("nanjing", "Ministry of Finance", None),
        ("nanjing", "Provincial Development and Reform Commission", None),
        ("nanjing", "Jiangning District Finance Bureau", None),
        ("jiaxing", "南湖区财政局", None),
    ],
)
def test_an_owner_phrase_is_matched_to_a_department_or_to_none(seeded, city, phrase, department):
    found = suggested_department(_city(city), phrase)
    expected = _department(*department) if department else None
    assert found == expected


def _post(client, text, city="nanjing", speaker="书记"):
    return client.post(
        "/speeches/new",
        data={"city": city, "speaker": speaker, "delivered_on": "2026-03-03", "text": text},
        content_type="multipart/form-data",
    )


def test_the_review_page_shows_each_suggested_owner_and_due_date_with_their_words(client, login_as):
    login_as("supervisor")
    client.post("/locale/zh_Hans")
    assert _post(client, CHINESE).status_code == 302
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "书记"))
    by_text = {d.source_text: d for d in speech.directives}
    assert {d: (v.owner_hint, v.suggested_department and v.suggested_department.slug)
            for d, v in by_text.items()} == {
        "加快推进5G基站建设": ("市工信局", "miit"),
        "年底前完成新建基站1200个": ("市工信局", "miit"),
        "编制数字经济发展规划": ("市发改委", "drc"),
        "每季度举办一次科技成果路演活动": ("南京市科技局", "stb"),
        "建设区块链产业园": ("江北新区", None),
    }  # fmt: skip
    assert by_text["年底前完成新建基站1200个"].suggested_due_on == date(2026, 12, 31)
    page = client.get(f"/speeches/{speech.id}/review").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "建议责任单位 工业和信息化局 （依据原文“市工信局”）" in text
    assert "建议截止日期 2026年12月31日 （依据原文“年底前”）" in text
    assert "建议截止日期 每季度 （依据原文“每季度”）" in text
    assert "本市没有对应的部门 （依据原文“江北新区”）" in text
    # Nothing was assigned: the suggestions wait for the reviewer.
    assert (
        db.session.scalar(
            select(func.count(ActionItem.id))
            .join(ActionItem.directive)
            .where(ActionItem.directive.has(speech_id=speech.id))
        )
        == 0
    )


def test_the_assign_page_fills_in_a_suggestion_for_the_reviewer_to_confirm(client, login_as):
    login_as("supervisor")
    _post(client, CHINESE)
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "书记"))
    client.post(f"/speeches/{speech.id}/accept-all")
    miit = _department("nanjing", "miit")
    page = client.get(f"/speeches/{speech.id}/assign").get_data(as_text=True)
    link = f"/speeches/{speech.id}/assign?suggested={miit.id}"
    assert link in page and "2 directives for Industry and Information Technology Bureau" in page
    filled = client.get(link).get_data(as_text=True)
    assert re.search(
        rf'<option selected value="{miit.id}">|<option value="{miit.id}" selected', filled
    )
    checked = set(re.findall(r'name="directives" value="(\d+)" checked', filled))
    assert checked == {str(d.id) for d in speech.directives if d.suggested_department_id == miit.id}
    # An unknown or foreign suggestion fills in nothing.
    for bad in ("999999999999999999999", "abc", str(_department("jiaxing", "drc").id)):
        page = client.get(f"/speeches/{speech.id}/assign?suggested={bad}")
        assert page.status_code == 200
        assert (
            "checked"
            not in page.get_data(as_text=True).split("<fieldset")[1].split("</fieldset>")[0]
        )


def test_moving_a_draft_to_another_city_suggests_that_citys_departments(client, login_as):
    login_as("other_supervisor")
    _post(
        client, "要求：市发改委要牵头编制规划。海宁市要建设产业园。", city="jiaxing", speaker="沈"
    )
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "沈"))
    first, second = sorted(speech.directives, key=lambda d: d.start_offset)
    assert first.suggested_department == _department("jiaxing", "drc")
    assert second.suggested_department == _department("haining", "government")
    response = client.post(f"/speeches/{speech.id}/city", data={"city": "haining"})
    assert response.status_code == 302
    db.session.expire_all()
    first, second = sorted(
        db.session.get(Speech, speech.id).directives, key=lambda d: d.start_offset
    )
    assert first.suggested_department is None  # Haining has no 发改委 in the demo
    assert second.owner_hint == "海宁市"


def test_a_body_of_the_same_kind_with_a_longer_name_is_matched(seeded):
    jiaxing = _city("jiaxing")
    assert _department("jiaxing", "bigdata").name_zh == "大数据发展管理局"
    assert suggested_department(jiaxing, "市大数据局") == _department("jiaxing", "bigdata")
    market = Department(
        city=jiaxing, slug="amr", name="Market Regulation", name_zh="市场监督管理局"
    )
    db.session.add(market)
    db.session.flush()
    assert suggested_department(jiaxing, "市市场监管局") == market  # 市场 is no "市" prefix
    db.session.rollback()


def test_splitting_gives_each_part_the_owner_its_own_words_name(client, login_as):
    login_as("supervisor")
    text = "要求市发改委负责编制产业规划，市财政局负责安排专项扶持资金。"
    _post(client, text, speaker="周")
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "周"))
    first, second = sorted(speech.directives, key=lambda d: d.start_offset)
    assert (first.owner_hint, second.owner_hint) == ("市发改委", "市财政局")
    url = f"/speeches/{speech.id}/directives"
    client.post(f"{url}/{first.id}", data={"action": "merge"})
    merged = db.session.get(Speech, speech.id).directives[0]
    assert merged.owner_hint == "市发改委"
    at = speech.text.index("市财政局")
    client.post(f"{url}/{merged.id}", data={"action": "split", "split_at": at})
    db.session.expire_all()
    parts = sorted(db.session.get(Speech, speech.id).directives, key=lambda d: d.start_offset)
    assert [(p.owner_hint, p.suggested_department.slug) for p in parts] == [
        ("市发改委", "drc"),
        ("市财政局", "finance"),
    ]


def test_a_directive_with_items_is_not_merged_into_and_bare_lines_are_no_sentences(
    client, login_as
):
    login_as("supervisor")
    text = "1.\n加快建设数据平台。\n责任单位：市大数据局\n建设算力中心。"
    _post(client, text, speaker="吴")
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "吴"))
    first, second = sorted(speech.directives, key=lambda d: d.start_offset)
    client.post(f"/speeches/{speech.id}/accept-all")
    bigdata = _department("nanjing", "bigdata")
    person = db.session.scalar(select(User).where(User.department_id == bigdata.id))
    response = client.post(
        f"/speeches/{speech.id}/assign",
        data={"directives": [first.id], "department": bigdata.id, "responsible": person.id},
    )
    assert response.status_code == 302
    refused = client.post(f"/speeches/{speech.id}/directives/{first.id}", data={"action": "merge"})
    assert refused.status_code == 400
    assert "has items already" in refused.get_data(as_text=True)
    refused = client.post(
        f"/speeches/{speech.id}/directives/{first.id}",
        data={"action": "split", "split_at": first.start_offset + 2},
    )
    assert refused.status_code == 400 and "cannot be split" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Speech, speech.id).directives[1].id == second.id  # still there
    page = client.get(f"/speeches/{speech.id}/review").get_data(as_text=True)
    missed = page.split("Sentences without a directive")[1]
    assert "责任单位" not in missed and "1." not in missed


def test_taking_a_suggestion_chooses_someone_of_that_department(client, login_as):
    login_as("supervisor")
    _post(client, CHINESE)
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "书记"))
    client.post(f"/speeches/{speech.id}/accept-all")
    drc = _department("nanjing", "drc")
    page = client.get(f"/speeches/{speech.id}/assign?suggested={drc.id}").get_data(as_text=True)
    chosen = re.search(r'<select[^>]*name="responsible".*?</select>', page, re.S).group(0)
    selected = re.search(
        r"<option selected[^>]*>([^<]*)<|<option[^>]*selected[^>]*>([^<]*)<", chosen
    )
    assert selected and "Development and Reform Commission" in (
        selected.group(1) or selected.group(2)
    )


def test_an_untitled_speech_is_named_in_chinese_too(client, login_as):
    login_as("supervisor")
    _post(client, "要加快建设数据平台。", speaker="郑")
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "郑"))
    assert speech.title_zh == "郑讲话（2026年3月3日）"


def test_a_marked_sentence_takes_the_owner_its_words_or_its_item_name(client, login_as):
    login_as("supervisor")
    text = (
        "四、区块链标准体系的研究制定工作，由市经信局负责。\n"
        "市商务局要在跨境贸易领域先行先试。\n\n"
        "（六）数据安全保障。\n责任单位：市大数据局"
    )
    _post(client, text, speaker="钱")
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "钱"))
    for words in ("区块链标准体系", "市商务局要", "（六）数据安全保障"):
        start = next(
            s
            for s, e in review_missed(speech)
            if speech.text[s:e].lstrip("四、").startswith(words.lstrip("四、"))
            or speech.text[s:e].startswith(words)
        )
        assert (
            client.post(f"/speeches/{speech.id}/sentences", data={"start": start}).status_code
            == 302
        )
        db.session.expire_all()
        speech = db.session.get(Speech, speech.id)
    hints = {
        d.source_text: (d.owner_hint, d.suggested_department and d.suggested_department.slug)
        for d in speech.directives
    }
    assert hints["区块链标准体系的研究制定工作，由市经信局负责"] == ("市经信局", "miit")
    assert hints["市商务局要在跨境贸易领域先行先试"][0] == "市商务局"
    assert hints["数据安全保障"] == ("市大数据局", "bigdata")


def review_missed(speech):
    from tracker.speeches.review import missed_sentences

    return missed_sentences(speech)


def test_a_suggested_department_without_staff_is_named_but_not_offered(client, login_as):
    login_as("other_supervisor")
    _post(client, "要求：市发改委要牵头编制规划。", city="jiaxing", speaker="孙")
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "孙"))
    client.post(f"/speeches/{speech.id}/accept-all")
    drc = _department("jiaxing", "drc")
    if db.session.scalar(select(User).where(User.department_id == drc.id, User.is_active)):
        pytest.skip("the demo gave Jiaxing's DRC a staff member")
    page = client.get(f"/speeches/{speech.id}/assign").get_data(as_text=True)
    assert "尚无可指定的人员" in page or "no staff member to assign yet" in page
    assert f"suggested={drc.id}" not in page
