import pytest

from policies import reference


def test_region_hierarchy() -> None:
    assert reference.region_ancestors("330302") == ["330302", "330300", "330000", "000000"]
    assert reference.region_ancestors("330000") == ["330000", "000000"]
    assert reference.region_within("510108", "510100")
    assert reference.region_within("510108", "000000")
    assert not reference.region_within("510100", "510108")
    assert not reference.region_within("440305", "330000")


def test_known_regions_are_named() -> None:
    assert reference.region_name("330300") == "温州市"
    assert reference.region_name("510108") == "成华区"
    assert reference.region_name("330000") == "浙江省"
    assert reference.region_name("000000") == "全国"
    assert reference.region_level("440307") == "district"


@pytest.mark.parametrize("code", ["33030", "3303000", "990000", "330399", "abcdef"])
def test_unknown_regions_are_refused(code: str) -> None:
    with pytest.raises(ValueError, match="region code"):
        reference.check_region(code)


@pytest.mark.parametrize("code", ["C", "C35", "C358", "C3581", "I65", "T97"])
def test_industry_codes_accepted(code: str) -> None:
    assert reference.check_industry(code) == code


@pytest.mark.parametrize("code", ["C01", "A13", "Z", "C3", "C35811", "c35", "35"])
def test_industry_codes_refused(code: str) -> None:
    with pytest.raises(ValueError, match="industry code"):
        reference.check_industry(code)


def test_industry_table_is_complete() -> None:
    table = reference.industries().names_zh
    assert len([code for code in table if len(code) == 1]) == 20
    assert len([code for code in table if len(code) == 3]) == 97
    assert reference.industry_name("C3581") == reference.industries().names_en["C35"]
