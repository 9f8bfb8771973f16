"""Coverage notices: which levels have measures on file for a firm's place."""

from matching.catalogue.coverage import coverage, places
from policies.vocabulary import Level

ON_FILE = {"330000", "330200", "330212", "110000", "510000", "510100"}


def test_a_province_with_nothing_on_file_says_only_national_measures_were_searched() -> None:
    found = coverage(ON_FILE, "320102")  # Nanjing, Xuanwu
    assert found.searched == [Level.national]
    assert found.not_on_file == [Level.provincial, Level.municipal, Level.district]
    assert found.notice_zh is not None and "江苏省南京市玄武区" in found.notice_zh and "国家级" in found.notice_zh
    assert found.notice_en is not None and "only national measures were searched" in found.notice_en


def test_a_place_covered_at_every_level_has_no_notice() -> None:
    found = coverage(ON_FILE, "330212")
    assert found.searched == [Level.national, Level.provincial, Level.municipal, Level.district]
    assert found.notice_en is None and found.notice_zh is None


def test_a_missing_district_is_named_alone() -> None:
    found = coverage(ON_FILE, "510108")
    assert found.not_on_file == [Level.district]
    assert found.notice_en is not None and found.notice_en.startswith("No district measures for 四川省成都市成华区")


def test_a_municipality_has_no_separate_city_level() -> None:
    assert [level for level, _ in places("110105")] == [Level.provincial, Level.district]
    assert coverage(ON_FILE, "110105").not_on_file == [Level.district]
    assert [level for level, _ in places("330200")] == [Level.provincial, Level.municipal]
