"""ita_score and load_framework against messy input: generated values and bytes, and the real process.

Whatever the input, the answer is a result (exit 0) or exactly one line on stderr (exit 2), never a
traceback. The generated cases run in-process; a few run through manage.py for the real exit status.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.assessments.test_commands import score

# Arbitrary JSON values and bytes: the answer is a result (0) or one line (2), never a traceback.

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=16,
)
score_values = (
    json_values
    | st.integers(-5, 120)
    | st.decimals(-1, 101, places=3).map(str)
    | st.sampled_from(["NaN", "1e999", "88.81", "-0", "100.00", "0"])
)
codes = st.text(max_size=4) | st.sampled_from(["1", "9", "10", "i1", "e15", "O1", "O43", "IIT", "OIT", "²"])
messy_inputs = st.fixed_dictionaries(
    {"framework": st.sampled_from([2565, 2566, 2599, "2565", True, None, 2565.0])},
    optional={
        "indicator_scores": st.dictionaries(codes, score_values, max_size=5) | json_values,
        "question_scores": st.dictionaries(codes, score_values, max_size=5),
        "oit_items": st.dictionaries(codes, st.booleans() | json_values, max_size=5),
        "tool_scores": st.dictionaries(codes, score_values, max_size=4),
        "extra": json_values,
    },
)
# Inputs that mostly score, so the scoring path meets odd but valid mixes of grains too.
good_scores = st.integers(0, 100) | st.decimals(0, 100, places=2).map(float) | st.just("66.6666666667")
valid_inputs = st.fixed_dictionaries(
    {"framework": st.sampled_from([2565, 2566])},
    optional={
        "indicator_scores": st.dictionaries(st.integers(1, 10).map(str), good_scores, max_size=10),
        "question_scores": st.dictionaries(
            st.sampled_from([f"i{n}" for n in range(1, 31)] + [f"e{n}" for n in range(1, 16)]), good_scores
        ),
        "oit_items": st.dictionaries(st.integers(1, 44).map(lambda n: f"O{n}"), st.booleans()),
        "tool_scores": st.dictionaries(st.sampled_from(["IIT", "EIT", "OIT"]), good_scores),
    },
)
plausible_inputs = messy_inputs | valid_inputs


def encoded(value) -> st.SearchStrategy[bytes]:
    return st.booleans().map(
        lambda ascii_only: json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    )


def spliced(pair: tuple[bytes, int, bytes]) -> bytes:
    raw, at, junk = pair
    at = at % (len(raw) + 1)
    return raw[:at] + junk + raw[at + len(junk) :]


any_input = (
    (json_values | plausible_inputs).flatmap(encoded)
    | st.binary(max_size=64)
    | plausible_inputs.flatmap(encoded)
    .flatmap(lambda raw: st.tuples(st.just(raw), st.integers(0, 10_000), st.binary(min_size=1, max_size=3)))
    .map(spliced)
)


@hypothesis_settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=any_input)
def test_ita_score_answers_any_input_with_a_result_or_one_line(frameworks, tmp_path, capsys, raw):
    code, out, err = score(tmp_path, raw, capsys)
    event(f"exit {code}")
    assert code in (0, 2)
    assert "Traceback" not in err
    if code == 0:
        assert err == ""
        assert set(json.loads(out)) >= {"total", "complete", "missing"}
    else:
        assert out == ""
        assert len(err.splitlines()) == 1


# A few runs through manage.py itself: the real exit status and stderr of the process.


def manage(tmp_path, *args, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "test-only-" + "k" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    env.pop("DJANGO_DEBUG", None)
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("command_name", "content"),
    [
        ("ita_score", b'{"framework": 2565, "indicator_scores": {"1": \xff}}'),
        ("ita_score", b"[" * 100_000 + b"]" * 100_000),
        ("load_framework", b'{"fiscal_year": ' + b"9" * 5000 + b"}"),
    ],
)
def test_manage_py_exits_2_with_one_line_and_no_traceback(tmp_path, command_name, content):
    path = tmp_path / "input.json"
    path.write_bytes(content)
    done = manage(tmp_path, command_name, str(path))
    err = done.stderr.decode("utf-8", "replace")
    assert (done.returncode, done.stdout, len(err.splitlines())) == (2, b"", 1), err
    assert "Traceback" not in err


def test_manage_py_ita_score_reads_bad_standard_input(tmp_path):
    done = manage(tmp_path, "ita_score", "-", stdin=b'{"framework": 2565, "x": "\xff"}')
    err = done.stderr.decode("utf-8", "replace")
    assert (done.returncode, done.stdout, len(err.splitlines())) == (2, b"", 1), err
    assert err.startswith("input: ")
