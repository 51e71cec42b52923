"""manage.py ita_score INPUT.json: score ITA results given at any grain, print the result as JSON."""

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessments import scoring, selectors

KNOWN_KEYS = {"framework", "indicator_scores", "question_scores", "oit_items", "tool_scores"}


class InputError(Exception):
    """Bad input: one line that names the field."""


def _score(value: object, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        raise InputError(
            _("%(field)s: expected a number from 0 to 100, got %(value)s")
            % {"field": field, "value": json.dumps(value)}
        )
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise InputError(
            _("%(field)s: %(value)s is not a number") % {"field": field, "value": json.dumps(value)}
        ) from exc
    if not number.is_finite() or not 0 <= number <= 100:
        raise InputError(_("%(field)s: %(value)s is outside 0 to 100") % {"field": field, "value": value})
    return number


def _mapping(data: dict, key: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise InputError(_("%(field)s: expected an object") % {"field": key})
    return value


def parse_input(data: object, framework: scoring.Framework | None = None) -> tuple[int, scoring.ScoreInputs]:
    if not isinstance(data, dict):
        raise InputError(_("%(field)s: expected an object") % {"field": "input"})
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise InputError(
            _("%(field)s: unknown field (known: %(known)s)")
            % {"field": unknown[0], "known": ", ".join(sorted(KNOWN_KEYS))}
        )
    year = data.get("framework")
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError(_("%(field)s: expected a fiscal year such as 2565") % {"field": "framework"})
    indicators: dict[int, Decimal] = {}
    for key, value in _mapping(data, "indicator_scores").items():
        if not str(key).isdigit():
            raise InputError(
                _("%(field)s: expected an indicator number") % {"field": f"indicator_scores.{key}"}
            )
        indicators[int(key)] = _score(value, f"indicator_scores.{key}")
    questions = {
        str(k): _score(v, f"question_scores.{k}") for k, v in _mapping(data, "question_scores").items()
    }
    tools = {str(k): _score(v, f"tool_scores.{k}") for k, v in _mapping(data, "tool_scores").items()}
    oit: dict[str, bool] = {}
    for key, value in _mapping(data, "oit_items").items():
        if not isinstance(value, bool):
            raise InputError(_("%(field)s: expected true or false") % {"field": f"oit_items.{key}"})
        oit[str(key)] = value
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
            raise _not_in(f"question_scores.{code}", framework)
    for code in inputs.oit_items:
        if code not in framework.disclosure_item_codes:
            raise _not_in(f"oit_items.{code}", framework)
    tool_codes = {t.code for t in framework.tools}
    for code in inputs.tool_scores:
        if code not in tool_codes:
            raise _not_in(f"tool_scores.{code}", framework)


class Command(BaseCommand):
    help = (
        "Score ITA results from INPUT.json ('-' for standard input) holding 'framework' (fiscal year) "
        'and any of indicator_scores {"1": 88.81}, question_scores {"i1": 87.5}, '
        'oit_items {"O1": true}, tool_scores {"IIT": 80.89}. Prints the result as JSON; bad '
        "input exits with status 2 and one line naming the field."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("input", help="input JSON file, or - for standard input")

    def handle(self, *args, input, **options) -> None:
        try:
            text = sys.stdin.read() if input == "-" else Path(input).read_text(encoding="utf-8")
        except OSError as exc:
            self._fail(
                _("%(field)s: cannot read %(path)s: %(error)s")
                % {"field": "input", "path": input, "error": exc.strerror}
            )
        try:
            # JSON numbers become Decimal directly: no binary floating point on the scoring path.
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            self._fail(
                _("%(field)s: not valid JSON (line %(line)s, column %(column)s)")
                % {"field": "input", "line": exc.lineno, "column": exc.colno}
            )
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
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))

    def _fail(self, line: str) -> None:
        self.stderr.write(line)
        sys.exit(2)
