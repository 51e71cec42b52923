"""Agency names normalised and matched: by ITAS code, by name key, by name and province, else candidates."""

from __future__ import annotations

import pytest

from assessments.importer.agencies import (
    AgencyIndex,
    KnownAgency,
    clean_name,
    match_agencies,
    name_key,
    province_of,
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ทต.บ้านใหม่", "เทศบาลตำบลบ้านใหม่"),
        ("ทต. บ้านใหม่", "เทศบาลตำบลบ้านใหม่"),
        ("เทศบาลตำบล บ้าน ใหม่", "เทศบาลตำบลบ้านใหม่"),
        ("เทศบาลตำบลบ้านใหม่\u200b", "เทศบาลตำบลบ้านใหม่"),
        ("เทศบาลตำบลบ้านใหม่ อำเภอเมือง จังหวัดลำปาง", "เทศบาลตำบลบ้านใหม่"),
        ("ทต.บ้านใหม่ จ.ลำปาง", "เทศบาลตำบลบ้านใหม่"),
        ("อบต.ศรีคำ", "องค์การบริหารส่วนตำบลศรีคำ"),
        ("อบต ศรีคำ", "องค์การบริหารส่วนตำบลศรีคำ"),
        ("องค์การบริหารส่วนตำบลศรีคำ", "องค์การบริหารส่วนตำบลศรีคำ"),
        ("ทม.บ้านทุ่ม", "เทศบาลเมืองบ้านทุ่ม"),
        ("ทน.เชียงใหม่", "เทศบาลนครเชียงใหม่"),
        ("อบจ.ลำปาง", "องค์การบริหารส่วนจังหวัดลำปาง"),
        ("องค์การบริหารส่วนจังหวัดลำปาง", "องค์การบริหารส่วนจังหวัดลำปาง"),
        ("จังหวัดลำปาง", "จังหวัดลำปาง"),
        ("อำเภอเมืองลำปาง", "อำเภอเมืองลำปาง"),
    ],
)
def test_agencies_name_key(name, key):
    assert name_key(name) == key


def test_agencies_clean_name_and_province():
    assert clean_name(" ทต.\u200bบ้านใหม่   จังหวัดลำปาง ") == "ทต.บ้านใหม่ จังหวัดลำปาง"
    assert province_of("เทศบาลตำบลบ้านใหม่ อำเภอเมือง จังหวัดลำปาง") == "ลำปาง"
    assert province_of("ทต.บ้านใหม่ จ.ลำปาง") == "ลำปาง"
    assert province_of("ทต.บ้านใหม่") == ""


KNOWN = [
    KnownAgency(1, "เทศบาลตำบลบ้านใหม่", "5520101", "ลำปาง"),
    KnownAgency(2, "เทศบาลตำบลบ้านใหม่", "5570105", "เชียงราย"),
    KnownAgency(3, "องค์การบริหารส่วนตำบลศรีคำ", "", "เชียงราย"),
    KnownAgency(4, "องค์การบริหารส่วนตำบลศรีคำใต้", "", "พะเยา"),
    KnownAgency(5, "เทศบาลเมืองบ้านทุ่ม", "6400101", "ขอนแก่น"),
]


def test_agencies_match_by_code_first_even_with_another_name():
    (match,) = match_agencies([("ชื่อที่สะกดผิด", "6400101", "")], KNOWN)
    assert (match.agency.id, match.by) == (5, "code")


def test_agencies_match_by_name_key():
    (match,) = match_agencies([("อบต. ศรีคำ", "", "")], KNOWN)
    assert (match.agency.id, match.by) == (3, "name")


def test_agencies_match_namesakes_by_province_given_or_in_the_name():
    index = AgencyIndex(KNOWN)
    assert index.match("ทต.บ้านใหม่", province="จังหวัดเชียงราย").agency.id == 2
    assert index.match("ทต.บ้านใหม่ จ.ลำปาง").agency.id == 1
    unsure = index.match("ทต.บ้านใหม่")
    assert (unsure.agency, unsure.by) == (None, "")
    assert [(c.agency.id, c.score) for c in unsure.candidates[:2]] == [(1, 1.0), (2, 1.0)]


def test_agencies_unmatched_names_get_ranked_candidates():
    (match,) = match_agencies([("อบต.ศรีคำเหนือ", "9999999", "เชียงราย")], KNOWN)
    assert match.agency is None
    assert [(c.agency.id, c.score) for c in match.candidates] == [(3, 0.912), (4, 0.867)]


def test_agencies_nothing_close_gives_no_candidates():
    (match,) = match_agencies([("กรมทดสอบระบบ", "", "")], KNOWN)
    assert (match.agency, match.candidates) == (None, ())
