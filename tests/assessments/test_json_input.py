"""JSON input read defensively: one message for an unreadable input, named places for problems inside."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments.json_input import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    JsonInputError,
    as_decimal,
    json_problems,
    parse_json,
    place,
    printable,
    read_file,
    read_stream,
    shown,
)


def test_json_problems_name_refused_literals_and_duplicate_keys():
    data = parse_json(b'{"a": [1, NaN, 1e400, ' + b"1" * 100 + b'], "b": {"k": 1, "k": 2}}')
    assert [where for where, _ in json_problems(data)] == ["a[1]", "a[2]", "a[3]", "b"]


def test_json_problems_stop_at_the_depth_limit():
    deep: list = []
    node = deep
    for _ in range(MAX_DEPTH + 5):
        node.append([])
        node = node[0]
    assert [where for where, _ in json_problems({"x": deep})] == ["x" + "[0]" * MAX_DEPTH]


@pytest.mark.parametrize(
    "raw",
    [b"", b"  ", b"\xff", b"\xef\xbb\xbf\xff", b"[" * 100_000, b"{", b" " * (MAX_FILE_BYTES + 1)],
)
def test_parse_json_refuses_unreadable_input_with_one_message(raw):
    with pytest.raises(JsonInputError):
        parse_json(raw)


def test_parse_json_accepts_a_byte_order_mark():
    assert parse_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}


def test_parse_json_reads_fractions_as_decimal_when_asked():
    assert parse_json(b'{"a": 88.81, "b": 1}', decimal_numbers=True) == {"a": Decimal("88.81"), "b": 1}
    assert parse_json(b'{"a": 88.81}') == {"a": 88.81}


def test_parse_json_names_the_byte_that_is_not_utf8():
    with pytest.raises(JsonInputError) as info:
        parse_json(b'\xef\xbb\xbf{"a": "\xff"}')
    assert "11" in str(info.value)  # the 11th byte of the file, counting the byte-order mark


def test_read_file_refuses_a_folder_and_a_missing_file(tmp_path):
    for path in (tmp_path, tmp_path / "missing.json", "bad\x00name"):
        with pytest.raises(JsonInputError):
            read_file(path)


def test_read_file_and_stream_stop_after_the_limit(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (3 * MAX_FILE_BYTES))
    assert len(read_file(path)) == MAX_FILE_BYTES + 1
    with path.open("rb") as stream:
        assert len(read_stream(stream)) == MAX_FILE_BYTES + 1


def test_read_stream_refuses_a_missing_stream():
    with pytest.raises(JsonInputError):
        read_stream(None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, Decimal(1)),
        (33.33, Decimal("33.33")),
        (Decimal("88.81"), Decimal("88.81")),
        ("85.00", Decimal("85.00")),
        ("-0", Decimal("-0")),
        (True, None),
        (None, None),
        ("1e2", None),
        (" 85", None),
        ("๘๕", None),  # Thai digits: Decimal() reads them, a definition file must not
        ("NaN", None),
        ("1_000", None),
        ("9" * 41, None),
    ],
)
def test_as_decimal_reads_numbers_and_plain_decimal_texts_only(value, expected):
    assert as_decimal(value) == expected


@pytest.mark.parametrize(
    ("where", "key", "expected"),
    [
        ("$", "tools", "tools"),
        ("tools[0]", "code", "tools[0].code"),
        ("answer_scales.likert4.values", "มาก", "answer_scales.likert4.values.มาก"),
        ("x", "", 'x.""'),
        ("x", "a.b", 'x."a.b"'),
        ("x", "a\nb", 'x."a\\x0ab"'),
        ("x", "k" * 50, 'x."' + "k" * 39 + '…"'),
    ],
)
def test_place_quotes_keys_that_would_mislead(where, key, expected):
    assert place(where, key) == expected


def test_printable_keeps_thai_and_escapes_what_breaks_a_line():
    assert printable("ผ่าน\u200bดี") == "ผ่าน\u200bดี"  # a zero-width space stays: Thai uses it
    assert printable("a\u2028b\x1bc\ud800") == "a\\u2028b\\x1bc\\ud800"
    assert len(printable("ก" * 1000, 40)) == 40


def test_shown_gives_short_json_like_values():
    assert [shown(v) for v in (None, True, 5, "x", [1], {"a": 1})] == [
        "null",
        "true",
        "5",
        '"x"',
        "[…]",
        "{…}",
    ]
