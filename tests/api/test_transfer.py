"""Bulk import and export over HTTP."""

import csv
import io
import json

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.factories import measure_data

MEDIA = {"json": "application/json", "yaml": "application/yaml", "csv": "text/csv"}


def _records(*overrides: dict[str, object]) -> list[dict[str, object]]:
    return [measure_data(code=f"SH-TEST-{n}", **extra) for n, extra in enumerate(overrides)]


def test_bad_import_reports_every_problem_and_changes_nothing(client: TestClient, curator: dict[str, str]) -> None:
    good = measure_data(code="SH-GOOD-ONE")
    assert client.post("/v1/measures", json=good, headers=curator).status_code == 201
    records = [
        good | {"title_en": "This edit must not land"},
        measure_data(code="SH-BAD-REGION", jurisdiction=["310000", "310199"]),
        measure_data(code="SH-BAD-RANGE",
                     criteria=[{"type": "numeric", "field": "employees", "op": "between", "min": 9, "max": 1}]),
        measure_data(code="SH-GOOD-ONE"),
        "not a record",
    ]
    body = json.dumps(records)
    for dry_run in ("true", "false"):
        response = client.post(f"/v1/measures/import?dry_run={dry_run}", content=body,
                               headers=curator | {"Content-Type": "application/json"})
        # A dry run answers 200 with the plan; a real run is rejected as a whole with a problem document.
        listed_problems = response.json()["problems" if dry_run == "true" else "errors"]
        problems = {(p["record"], p["field"]) for p in listed_problems}
        assert problems == {(1, "jurisdiction[1]"), (2, "criteria[0]"), (3, "code"), (4, "(record)")}, problems
        assert response.status_code == (200 if dry_run == "true" else 422)
    listed = client.get("/v1/measures", headers=curator).json()
    assert [m["code"] for m in listed["items"]] == ["SH-GOOD-ONE"]
    assert listed["items"][0]["title_en"] == good["title_en"]
    assert listed["items"][0]["revision"] == 1


def test_dry_run_of_a_good_file_plans_without_writing(client: TestClient, curator: dict[str, str]) -> None:
    response = client.post("/v1/measures/import?dry_run=true", json=_records({}, {}), headers=curator)
    assert response.json() | {"problems": []} == {
        "dry_run": True, "ok": True, "created": ["SH-TEST-0", "SH-TEST-1"], "updated": [], "unchanged": [],
        "problems": [], "warnings": [],
    }
    assert client.get("/v1/measures", headers=curator).json()["total"] == 0


def test_lint_findings_are_warnings_that_do_not_block(client: TestClient, curator: dict[str, str]) -> None:
    prose = {"type": "manual", "text": "Taxable income is at most 3 million yuan.", "text_zh": "年度应纳税所得额不超过300万元"}
    criteria = [*measure_data()["criteria"], prose]
    record = measure_data(code="SH-TEST-PROSE", industries=["C"], criteria=criteria)
    dry = client.post("/v1/measures/import?dry_run=true", json=[record], headers=curator).json()
    assert dry["ok"] is True and dry["created"] == ["SH-TEST-PROSE"]
    rules = {(w["code"], w["path"], w["rule"]) for w in dry["warnings"]}
    where = f"criteria[{len(criteria) - 1}]"
    assert {("SH-TEST-PROSE", where, "manual-quantity"), ("SH-TEST-PROSE", where, "manual-field")} <= rules
    assert all(w["message"] and "message_zh" not in w for w in dry["warnings"])  # the reader's language only
    chinese = client.post("/v1/measures/import?dry_run=true", json=[record],
                          headers=curator | {"Accept-Language": "zh-CN"}).json()
    assert all(any("\u4e00" <= char <= "\u9fff" for char in w["message"]) for w in chinese["warnings"])
    done = client.post("/v1/measures/import", json=[record], headers=curator)
    assert done.status_code == 200 and done.json()["created"] == ["SH-TEST-PROSE"] and done.json()["warnings"]


def test_industries_without_an_industry_rule_are_refused(client: TestClient, curator: dict[str, str]) -> None:
    record = measure_data(code="SH-TEST-TRAP", industries=["C34"])
    response = client.post("/v1/measures/import?dry_run=true", json=[record], headers=curator).json()
    assert response["ok"] is False
    [problem] = response["problems"]
    assert problem["field"] == "industries" and "industry_in" in problem["message"]
    created = client.post("/v1/measures", json=record, headers=curator)
    assert created.status_code == 422 and "industry_in" in created.text
    assert [error["field"] for error in created.json()["errors"]] == ["body.industries"]
    covered = measure_data(code="SH-TEST-COVERED", industries=["C34", "C3491"],
                           criteria=[{"type": "industry_in", "codes": ["C34"]}])
    assert client.post("/v1/measures", json=covered, headers=curator).status_code == 201
    no_trap = measure_data(code="SH-TEST-OPEN", industries=[], criteria=[])
    assert client.post("/v1/measures", json=no_trap, headers=curator).status_code == 201


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv"])
def test_export_then_import_round_trips(client: TestClient, curator: dict[str, str], fmt: str) -> None:
    records = _records(
        {"status": "published", "body": "Line one,\n\"quoted\" line two; with a semicolon."},
        {"status": "draft", "exclusivity_group": "wz-first-recognition", "effective_from": "2026-01-01"},
        {"status": "archived", "industries": [], "benefit": {"kind": "percentage", "rate": 0.3,
                                                                "base": "interest_paid", "cap_per_year": 2_000_000,
                                                                "years": 3}},
    )
    imported = client.post("/v1/measures/import", json={"measures": records}, headers=curator)
    assert imported.status_code == 200, imported.text
    exported = client.get(f"/v1/measures/export?format={fmt}", headers=curator)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith(MEDIA[fmt])

    again = client.post(f"/v1/measures/import?format={fmt}", content=exported.content, headers=curator)
    assert again.status_code == 200, again.text
    assert again.json()["unchanged"] == ["SH-TEST-0", "SH-TEST-1", "SH-TEST-2"]
    assert client.get(f"/v1/measures/export?format={fmt}", headers=curator).content == exported.content


def test_import_upserts_by_code(client: TestClient, curator: dict[str, str]) -> None:
    client.post("/v1/measures/import", json=_records({}), headers=curator)
    changed = _records({"summary": "A changed summary that is long enough."}, {})
    response = client.post("/v1/measures/import", content=yaml.safe_dump(changed),
                           headers=curator | {"Content-Type": "application/yaml"})
    assert response.json()["updated"] == ["SH-TEST-0"]
    assert response.json()["created"] == ["SH-TEST-1"]
    revisions = client.get("/v1/measures/SH-TEST-0/revisions", headers=curator).json()
    assert [r["action"] for r in revisions] == ["import", "import"]


def test_anonymous_export_holds_only_published(client: TestClient, curator: dict[str, str]) -> None:
    client.post("/v1/measures/import", json=_records({"status": "published"}, {}), headers=curator)
    exported = yaml.safe_load(client.get("/v1/measures/export?format=yaml").text)
    assert [m["code"] for m in exported["measures"]] == ["SH-TEST-0"]


def test_unreadable_import_is_400(client: TestClient, curator: dict[str, str]) -> None:
    response = client.post("/v1/measures/import?format=yaml", content=b"measures: [unclosed", headers=curator)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    no_type = client.post("/v1/measures/import", content=b"[]", headers=curator | {"Content-Type": "text/plain"})
    assert no_type.status_code == 400
    assert "Content-Type" in no_type.json()["detail"]


def test_csv_with_unknown_column_is_400(client: TestClient, curator: dict[str, str]) -> None:
    response = client.post("/v1/measures/import?format=csv", content="code,colour\nX-1,red\n", headers=curator)
    assert response.status_code == 400
    assert "colour" in response.json()["detail"]


DANGEROUS_STARTS = ["=", "+", "-", "@", "\t", "\r", "'"]


def test_csv_export_quotes_formula_text_and_imports_back_identical(client: TestClient, curator: dict[str, str]) -> None:
    """Every text field starting with a formula character (or a quote) is exported with one `'` in front, and
    the CSV import removes exactly that quote: importing the export restores the very same measures."""
    records = [
        measure_data(code=f"SH-FORMULA-{n}", status="published", title_en=f"{start}HYPERLINK(\"http://x\")",
                     title_zh=f"{start}温州奖励", summary=f"{start}1+cmd|' /C calc'!A0 summary",
                     body=f"{start}{start}body", authority=f"{start}Wenzhou bureau", legal_basis=f"{start}Art. 3",
                     criteria=[{"type": "numeric", "field": "employees", "op": "gte", "value": -1}])
        for n, start in enumerate(DANGEROUS_STARTS)
    ]
    assert client.post("/v1/measures/import", json=records, headers=curator).status_code == 200
    original = client.get("/v1/measures/export?format=json", headers=curator).json()
    exported = client.get("/v1/measures/export?format=csv", headers=curator).text
    rows = list(csv.DictReader(io.StringIO(exported.removeprefix("\ufeff"), newline="")))
    for row, start in zip(rows, DANGEROUS_STARTS, strict=True):
        for field in ("title_en", "title_zh", "summary", "body", "authority", "legal_basis"):
            assert row[field].startswith("'" + start), (field, row[field])
        assert row["criteria"].startswith("[")  # the negative bound is a number inside JSON, never a cell start

    changed = [record | {"title_en": "Changed in between", "body": None} for record in records]
    assert client.post("/v1/measures/import", json=changed, headers=curator).status_code == 200
    again = client.post("/v1/measures/import?format=csv", content=exported.encode(), headers=curator)
    assert again.status_code == 200, again.text
    assert again.json()["updated"] == [record["code"] for record in records]
    assert client.get("/v1/measures/export?format=json", headers=curator).json() == original


def test_csv_rows_may_end_in_a_bare_cr(client: TestClient, curator: dict[str, str]) -> None:
    """Old Mac spreadsheets save CSV with CR alone; it once failed as a 500."""
    client.post("/v1/measures/import", json=_records({"body": "Line one\r\nline two"}, {}), headers=curator)
    exported = client.get("/v1/measures/export?format=csv", headers=curator).text
    assert exported.count("\r\n") == 4  # header and rows end in CRLF (RFC 4180), and the body holds one
    mac = exported.replace("\r\n", "\r")
    response = client.post("/v1/measures/import?format=csv&dry_run=true", content=mac.encode(), headers=curator)
    assert response.status_code == 200, response.text
    assert response.json()["unchanged"] == ["SH-TEST-1"]
    assert response.json()["updated"] == ["SH-TEST-0"]  # its body's CRLF became a lone CR with the rest


def test_an_import_answers_once_the_new_catalogue_is_compiled(client: TestClient, curator: dict[str, str]) -> None:
    """The curator who imported waits for the embeddings and the snapshot, not the next portal or chatbot:
    /ready (which compiles nothing) already names the version that holds the imported measures."""
    before = client.get("/ready").json()["catalogue_version"]
    records = [measure_data(code=f"ZJ-WZ-IMPORTED-{n}", status="published") for n in range(3)]
    imported = client.post("/v1/measures/import", json=records, headers=curator)
    assert imported.status_code == 200 and len(imported.json()["created"]) == 3, imported.text
    after = client.get("/ready").json()["catalogue_version"]
    assert after is not None and after > (before or 0)
    assert client.get("/health").json()["catalogue_version"] == after  # what a portal is served is that one


def test_csv_export_opens_in_excel_as_utf8_and_imports_back(client: TestClient, curator: dict[str, str]) -> None:
    """Excel reads a CSV without a byte-order mark in the system code page and garbles the Chinese; the BOM
    the export starts with is not taken for part of the first column's name when the file comes back."""
    client.post("/v1/measures/import", json=_records({}, {}), headers=curator)
    exported = client.get("/v1/measures/export?format=csv", headers=curator)
    assert exported.content.startswith(b"\xef\xbb\xbf")
    assert "温州" in exported.content.decode("utf-8-sig")
    for body in (exported.content, exported.content.decode("utf-8-sig").encode()):  # with the mark and without
        response = client.post("/v1/measures/import?format=csv&dry_run=true", content=body, headers=curator)
        assert response.status_code == 200, response.text
        assert response.json()["unchanged"] == ["SH-TEST-0", "SH-TEST-1"]
