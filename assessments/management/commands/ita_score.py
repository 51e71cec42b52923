"""manage.py ita_score INPUT.json: score ITA results given at any grain, print the result as JSON.

Bad input of any kind ends with exit status 2 and one line on stderr that names the field: unreadable
or non-UTF-8 files, files over 1 MiB, invalid JSON, NaN/Infinity, numbers longer than 40 characters or
with more than 20 decimal places, keys given twice (refused, not "last one wins"), nesting deeper than
32 levels, and every value of the wrong type or out of range.
"""

import json
import re
import sys
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments import planner, scoring, selectors
from assessments.command_input import ThaiUsageCommand
from assessments.json_input import (
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
from assessments.planner_selectors import target_problem

KNOWN_KEYS = {"framework", "indicator_scores", "question_scores", "oit_items", "tool_scores"}
MAX_DECIMAL_PLACES = 20  # any score copied from a spreadsheet fits; 1e-999999 does not
INDICATOR_NUMBER = re.compile(r"[1-9][0-9]{0,3}")  # ASCII digits only: "²".isdigit() is True


class InputError(Exception):
    """Bad input: one line that names the field."""


def _score(value: object, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise InputError(
            _("%(field)s: expected a number from 0 to 100, got %(value)s")
            % {"field": field, "value": shown(value)}
        )
    number = as_decimal(value)
    if number is None:
        raise InputError(_("%(field)s: %(value)s is not a number") % {"field": field, "value": shown(value)})
    if not number.is_finite() or not 0 <= number <= 100:
        raise InputError(
            _("%(field)s: %(value)s is outside 0 to 100")
            % {"field": field, "value": printable(str(value), 40)}
        )
    if number.as_tuple().exponent < -MAX_DECIMAL_PLACES:
        raise InputError(
            _("%(field)s: more than %(places)s decimal places")
            % {"field": field, "places": MAX_DECIMAL_PLACES}
        )
    return number


def _mapping(data: dict, key: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise InputError(_("%(field)s: expected an object") % {"field": key})
    return value


def parse_input(data: object) -> tuple[int, scoring.ScoreInputs]:
    """The fiscal year and the scores of a parsed input, or InputError naming the first bad field."""
    if not isinstance(data, dict):
        raise InputError(_("%(field)s: expected an object") % {"field": "input"})
    problems = json_problems(data, root="input")
    if problems:
        where, message = problems[0]
        raise InputError(f"{where}: {message}")
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise InputError(
            _("%(field)s: unknown field (known: %(known)s)")
            % {"field": place("$", unknown[0]), "known": ", ".join(sorted(KNOWN_KEYS))}
        )
    year = data.get("framework")
    if isinstance(year, bool) or not isinstance(year, int) or not 2500 <= year <= 2700:
        raise InputError(_("%(field)s: expected a fiscal year such as 2565") % {"field": "framework"})
    indicators: dict[int, Decimal] = {}
    for key, value in _mapping(data, "indicator_scores").items():
        field = place("indicator_scores", key)
        if not INDICATOR_NUMBER.fullmatch(key):
            raise InputError(_("%(field)s: expected an indicator number") % {"field": field})
        indicators[int(key)] = _score(value, field)
    questions = {
        k: _score(v, place("question_scores", k)) for k, v in _mapping(data, "question_scores").items()
    }
    tools = {k: _score(v, place("tool_scores", k)) for k, v in _mapping(data, "tool_scores").items()}
    oit: dict[str, bool] = {}
    for key, value in _mapping(data, "oit_items").items():
        if not isinstance(value, bool):
            raise InputError(_("%(field)s: expected true or false") % {"field": place("oit_items", key)})
        oit[key] = value
    return year, scoring.ScoreInputs(indicators, questions, oit, tools)


def _not_in(field: str, framework: scoring.Framework) -> InputError:
    return InputError(_("%(field)s: not in ITA %(year)s") % {"field": field, "year": framework.fiscal_year})


def check_codes(framework: scoring.Framework, inputs: scoring.ScoreInputs) -> None:
    numbers = {ind.number for ind in framework.indicators}
    for n in inputs.indicator_scores:
        if n not in numbers:
            raise _not_in(f"indicator_scores.{n}", framework)
    for code in inputs.question_scores:
        if code not in framework.survey_item_codes:
            raise _not_in(place("question_scores", code), framework)
    for code in inputs.oit_items:
        if code not in framework.disclosure_item_codes:
            raise _not_in(place("oit_items", code), framework)
    tool_codes = {t.code for t in framework.tools}
    for code in inputs.tool_scores:
        if code not in tool_codes:
            raise _not_in(place("tool_scores", code), framework)


class Command(ThaiUsageCommand):
    help = (
        "Score ITA results from INPUT.json ('-' for standard input; UTF-8, at most 1 MiB) holding "
        "'framework' (fiscal year) and any of indicator_scores {\"1\": 88.81}, question_scores "
        '{"i1": 87.5}, oit_items {"O1": true}, tool_scores {"IIT": 80.89}. Prints the result as JSON; '
        "bad input (including a key given twice) exits with status 2 and one line naming the field. "
        "--target 85 (a number, a band label such as A or AA, pass or next) adds the gap-to-target "
        "plan: the fewest failed or undecided O-items that reach it, or the points the surveys must "
        "still bring."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("input", help="input JSON file, or - for standard input")
        parser.add_argument(
            "--target",
            help="plan to reach this total: a number 0-100 (two decimals at most), a band label of the "
            "year (AA, A, ... or ผ่าน), pass or next",
        )

    def handle(self, *args, input, target=None, **options) -> None:
        try:
            raw = read_stream(sys.stdin) if input == "-" else read_file(input)
            # JSON numbers become Decimal directly: no binary floating point on the scoring path.
            data = parse_json(raw, decimal_numbers=True)
        except JsonInputError as exc:
            self._fail(f"input: {exc}")
        try:
            year, inputs = parse_input(data)
            version = selectors.framework_latest(year)
            if version is None:
                raise InputError(
                    _("%(field)s: no ITA framework for %(year)s is loaded")
                    % {"field": "framework", "year": year}
                )
            framework = selectors.framework_for_scoring(version)
            check_codes(framework, inputs)
        except InputError as exc:
            self._fail(str(exc))
        result = scoring.score(framework, inputs)
        output = result.as_dict()
        if target is not None:
            try:
                output["plan"] = planner.plan_for(framework, inputs, target).as_dict()
            except planner.TargetError as exc:
                self._fail(f"--target: {target_problem(exc, framework)}")
        self.stdout.write(json.dumps(output, ensure_ascii=False))

    def _fail(self, line: str) -> None:
        """One line on stderr (whatever the input held), then exit status 2."""
        self.stderr.write(printable(line))
        sys.exit(2)
