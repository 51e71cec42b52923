"""manage.py import_ita: the exact --json shape, exit codes, nothing written on errors, audit source."""

from __future__ import annotations

import json

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import translation

from assessments.importer.columns import header_key
from assessments.mapping_services import signature
from assessments.models import Assessment, ImportMapping, Organization, OrganizationType

from .itas_workbooks import csv_bytes, xlsx
from .test_itas_import import HEADER, book, counts, row


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def srikham(db):
    return Organization.objects.create(
        name="องค์การบริหารส่วนตำบลศรีคำ", org_type=OrganizationType.SAO, province="เชียงราย", itas_code="5570101"
    )


def run(capsys, tmp_path, data: bytes, *args: str, name: str = "ita.xlsx") -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_bytes(data)
    code = 0
    try:
        call_command("import_ita", str(path), *args)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def test_import_ita_json_exact_shape(frameworks, srikham, capsys, tmp_path):
    last = LogEntry.objects.order_by("pk").last().pk  # the organization's own creation
    code, out, err = run(capsys, tmp_path, book(row(total="95.01", band="AA")), "--json", "--year", "2565")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "agencies": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "warnings": [],
        "errors": [],
        "discrepancies": [
            {
                "agency": "องค์การบริหารส่วนตำบลศรีคำ",
                "itas_code": "5570101",
                "year": 2565,
                "published_total": "95.01",
                "computed_total": "87.86",
                "published_band": "AA",
                "computed_band": "A",
            }
        ],
        "results": [
            {
                "agency": "องค์การบริหารส่วนตำบลศรีคำ",
                "itas_code": "5570101",
                "year": 2565,
                "published_total": "95.01",
                "computed_total": "87.86",
                "computed_band": "A",
                "complete": True,
            }
        ],
    }
    sources = {e.additional_data.get("source") for e in LogEntry.objects.filter(pk__gt=last)}
    assert sources == {"manage.py import_ita"}
    assert Assessment.objects.get().created_by is None


def test_import_ita_again_from_csv_is_unchanged(frameworks, srikham, capsys, tmp_path):
    run(capsys, tmp_path, book(row()), "--json")
    before = counts()
    code, out, _err = run(capsys, tmp_path, csv_bytes([HEADER, row()], "cp874"), "--json", name="ita.csv")
    assert (code, json.loads(out)["unchanged"], json.loads(out)["created"]) == (0, 1, 0)
    assert counts() == before


def test_import_ita_errors_exit_1_and_write_nothing(frameworks, srikham, capsys, tmp_path):
    before = counts()
    data = book(row(), row(code="", name="อบต. ศรีคาม"))
    code, out, _err = run(capsys, tmp_path, data, "--json")
    answer = json.loads(out)
    assert (code, answer["errors"]) == (
        1,
        [
            {
                "sheet": "ผล 2565",
                "row": 3,
                "column": "",
                "message": "No agency in the portal matches “อบต. ศรีคาม”. "
                "The closest: องค์การบริหารส่วนตำบลศรีคำ (5570101).",
            }
        ],
    )
    assert counts() == before


def test_import_ita_create_agencies(frameworks, capsys, tmp_path):
    data = book(row(code="9990001", name="ทต. บ้านใหม่", province="ลำปาง"))
    code, _out, _err = run(capsys, tmp_path, data, "--json")
    assert (code, Organization.objects.count()) == (1, 0)
    code, out, _err = run(capsys, tmp_path, data, "--json", "--create-agencies")
    assert (code, json.loads(out)["created"]) == (0, 1)
    assert Organization.objects.get().name == "เทศบาลตำบลบ้านใหม่"


def test_import_ita_dry_run_writes_nothing(frameworks, srikham, capsys, tmp_path):
    before = counts()
    code, out, err = run(capsys, tmp_path, book(row()), "--dry-run")
    assert (code, err) == (0, "")
    assert out == "1 agency-years: 1 new, 0 updated, 0 unchanged. Dry run: nothing was written.\n"
    assert counts() == before


def test_import_ita_year_without_framework_warns_exit_0(frameworks, srikham, capsys, tmp_path):
    code, out, _err = run(capsys, tmp_path, book(row(year=2562)), "--json")
    answer = json.loads(out)
    assert (code, answer["agencies"], answer["created"]) == (0, 1, 0)
    assert [w["message"].split(";")[0] for w in answer["warnings"]] == [
        "องค์การบริหารส่วนตำบลศรีคำ: not recomputed: no framework for 2562"
    ]
    assert answer["results"][0]["computed_total"] is None


@pytest.mark.parametrize("args", [["--year", "abc"], ["--year", "1999"], ["--bogus"], []])
def test_import_ita_bad_command_line_exit_2_one_thai_line(frameworks, capsys, tmp_path, args):
    path = tmp_path / "ita.xlsx"
    path.write_bytes(book(row()))
    with translation.override("th"), pytest.raises(SystemExit) as exit_:
        call_command("import_ita", *([str(path)] if args else []), *args)
    out, err = capsys.readouterr()
    assert (exit_.value.code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("เข้าใจคำสั่งไม่ได้ (")


def test_import_ita_missing_file_exit_1(db, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        call_command("import_ita", str(tmp_path / "none.xlsx"), "--json")
    answer = json.loads(capsys.readouterr().out)
    assert (exit_.value.code, answer["agencies"], len(answer["errors"])) == (1, 0, 1)


def test_import_ita_not_a_spreadsheet_exit_1(db, capsys, tmp_path):
    code, out, _err = run(capsys, tmp_path, b"\x00\x01 not a workbook", "--json")
    answer = json.loads(out)
    assert (code, answer["created"], len(answer["errors"])) == (1, 0, 1)


def test_import_ita_text_output_names_the_discrepancy(frameworks, srikham, capsys, tmp_path):
    code, out, err = run(capsys, tmp_path, book(row(total="95.01", band="AA")))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "discrepancy: องค์การบริหารส่วนตำบลศรีคำ 2565: published 95.01 AA, computed 87.86 A.",
        "1 agency-years: 1 new, 0 updated, 0 unchanged.",
    ]


def _odd_mapping() -> ImportMapping:
    """A saved mapping that reads the total from a header the reader does not know."""
    headers = [("ผลรวมสุทธิ" if h == "คะแนนรวม" else h) for h in HEADER]
    fields = {header_key(h): field for h, field in zip(headers, _FIELDS, strict=True)}
    keys = [header_key(h) for h in headers]
    return ImportMapping.objects.create(
        name="แบบอำเภอ", signature=signature(keys), headers=keys, columns=fields, kind="summary"
    )


_FIELDS = [
    "itas_code",
    "agency",
    "province",
    "year",
    "IIT",
    "EIT",
    "OIT",
    "total",
    "band",
    *[f"indicator:{n}" for n in range(1, 11)],
]


def test_import_ita_mapping_reads_the_mapped_column_even_moved(frameworks, srikham, capsys, tmp_path):
    _odd_mapping()
    headers = [("ผลรวมสุทธิ" if h == "คะแนนรวม" else h) for h in HEADER]
    values = row(total="95.01", band="AA")
    order = [h for h in headers if h != "ผลรวมสุทธิ"] + ["ผลรวมสุทธิ"]  # the total moved to the end
    data = xlsx([order, [values[headers.index(h)] for h in order]], title="ผล 2565")
    code, out, _err = run(capsys, tmp_path, data, "--json", "--dry-run")
    assert code == 0
    assert json.loads(out)["results"][0]["published_total"] is None  # not read without the mapping
    code, out, _err = run(capsys, tmp_path, data, "--json", "--mapping", "แบบอำเภอ")
    assert code == 0
    assert json.loads(out)["results"][0]["published_total"] == "95.01"
    assert str(Assessment.objects.get().published_total) == "95.01"


def test_import_ita_mapping_unknown_name_exit_1(frameworks, srikham, capsys, tmp_path):
    before = counts()
    code, _out, err = run(capsys, tmp_path, book(row()), "--mapping", "ไม่มี")
    assert code == 1
    assert "No saved column mapping is named “ไม่มี”" in err
    assert counts() == before


def test_import_ita_mapping_fitting_no_sheet_exit_1(frameworks, srikham, capsys, tmp_path):
    _odd_mapping()
    code, _out, err = run(capsys, tmp_path, book(row()), "--mapping", "แบบอำเภอ")
    assert code == 1
    assert "The column mapping “แบบอำเภอ” fits no sheet of the file." in err
