"""JSON input from admins and scripts (definition files, ita_score input), read defensively.

A size limit, strict UTF-8 (a byte-order mark is fine), no NaN/Infinity, no over-long numbers (Python's
int() stops at 4,300 digits with a ValueError), no duplicate keys, a nesting limit, and no text that a
database cannot store (NUL, half a surrogate pair). Problems inside the tree are named by their place
(``tools[2].weight``, ``indicator_scores.1``), and every text shown in a message is made safe for one
line of a terminal. Used by ``framework_file`` (definition files) and ``manage.py ita_score``.

The definition files of other modules (``measures.template_file``, ``measures.item_mapping``) share
the rest of the reading here: ``DefinitionFileError`` (every problem with its place), ``TreeReader``
(collects problems while reading values out of the tree) and ``load_definition_file`` (read, parse,
validate, and name the file in every problem).
"""

from __future__ import annotations

import codecs
import json
import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypeVar

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 1024 * 1024  # 1 MiB: the shipped definitions are about 40 KB, a score input far less
MAX_DEPTH = 32  # a definition nests 12 levels deep, an ita_score input 2
MAX_NUMBER_CHARS = 40  # a number literal longer than this is a mistake (and int() stops at 4,300 digits)
MAX_SHOWN_CHARS = 40  # a text from the input is shortened to this inside a message
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")  # a number given as text, e.g. "85.00"
_SIMPLE_KEY = re.compile(rf"[^\s.\[\]\"]{{1,{MAX_SHOWN_CHARS}}}")
_UNSHOWN = {"Cc", "Cs", "Zl", "Zp"}  # control characters, broken surrogates, line separators


class JsonInputError(Exception):
    """The input as a whole cannot be read as JSON (one message; the caller names the input)."""


class _Refused:
    """Stands in the parsed tree for a literal that must not become a value; json_problems names it."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class _DuplicateKeys(dict):
    """An object in which a key appears twice: JSON allows it, the last one would silently win; we refuse."""

    duplicates: list[str]


def _int_literal(text: str) -> int | _Refused:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused(_("a number longer than %(limit)s characters") % {"limit": MAX_NUMBER_CHARS})
    return int(text)


def _decimal_literal(text: str) -> Decimal | _Refused:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused(_("a number longer than %(limit)s characters") % {"limit": MAX_NUMBER_CHARS})
    return Decimal(text)


def _float_literal(text: str) -> float | _Refused:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused(_("a number longer than %(limit)s characters") % {"limit": MAX_NUMBER_CHARS})
    value = float(text)
    if not math.isfinite(value):
        return _Refused(_("%(value)s is too large a number") % {"value": text})
    return value


def _constant(name: str) -> _Refused:
    return _Refused(_("%(value)s is not a number; write a number such as 85.5") % {"value": name})


def _object(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    duplicates = [key for key, _value in pairs if key in seen or seen.add(key)]
    marked = _DuplicateKeys(obj)
    marked.duplicates = list(dict.fromkeys(duplicates))
    return marked


def read_file(path: str | Path) -> bytes:
    """The bytes of a file, at most MAX_FILE_BYTES + 1 of them (parse_json refuses more)."""
    try:
        with open(path, "rb") as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise JsonInputError(_("file not found")) from None
    except IsADirectoryError:
        raise JsonInputError(_("this is a folder, not a file")) from None
    except PermissionError:
        raise JsonInputError(_("no permission to read this file")) from None
    except (OSError, ValueError):
        raise JsonInputError(_("the file cannot be read")) from None


def read_stream(stream: IO | None) -> bytes:
    """The bytes of an open stream such as standard input, at most MAX_FILE_BYTES + 1 of them."""
    try:
        if stream is None:
            raise ValueError("no stream")
        data = getattr(stream, "buffer", stream).read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError):
        raise JsonInputError(_("standard input cannot be read")) from None
    return data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data


def parse_json(raw: bytes, *, decimal_numbers: bool = False) -> Any:
    """One JSON document from UTF-8 bytes (a byte-order mark is fine), or JsonInputError.

    Numbers with a fraction or exponent become ``Decimal`` with ``decimal_numbers`` (scoring input),
    else ``float`` as the standard library reads them (definition files: their checksum depends on it).
    NaN, Infinity, over-long numbers and duplicate keys do not stop the parse: they stay in the tree
    as markers so that ``json_problems`` can name their places.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise JsonInputError(_("the file is larger than %(limit)s MiB") % {"limit": MAX_FILE_BYTES // 2**20})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
        raise JsonInputError(
            _("not UTF-8 text (byte %(position)s); save the file as UTF-8")
            % {"position": exc.start + offset + 1}
        ) from None
    if not text.strip():
        raise JsonInputError(_("the file is empty"))
    try:
        return json.loads(
            text,
            parse_int=_int_literal,
            parse_float=_decimal_literal if decimal_numbers else _float_literal,
            parse_constant=_constant,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as exc:
        raise JsonInputError(
            _("not valid JSON (line %(line)s, column %(column)s)") % {"line": exc.lineno, "column": exc.colno}
        ) from None
    except RecursionError:
        raise JsonInputError(_("nested deeper than %(limit)s levels") % {"limit": MAX_DEPTH}) from None


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return _("contains a NUL character, which cannot be stored")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _("contains a broken character (half of a UTF-16 surrogate pair)")
    return None


def json_problems(data: Any, root: str = "$") -> list[tuple[str, str]]:
    """Problems of a parsed JSON tree as a whole, in document order: refused literals, duplicate keys,
    nesting deeper than MAX_DEPTH, texts no database stores. ``root`` names the top of the tree."""
    problems: list[tuple[str, str]] = []
    stack: list[tuple[Any, str, int]] = [(data, root, 0)]
    while stack:
        node, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            problems.append((where, _("nested deeper than %(limit)s levels") % {"limit": MAX_DEPTH}))
        elif isinstance(node, _Refused):
            problems.append((where, node.message))
        elif isinstance(node, str):
            if message := _text_problem(node):
                problems.append((where, message))
        elif isinstance(node, dict):
            for key in getattr(node, "duplicates", ()):
                problems.append((where, _("the key %(key)s appears more than once") % {"key": shown(key)}))
            children = []
            for key, value in node.items():
                at = _key(str(key)) if depth == 0 else f"{where}.{_key(str(key))}"
                if message := _text_problem(str(key)):
                    problems.append((at, message))
                else:
                    children.append((value, at, depth + 1))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(reversed([(value, f"{where}[{i}]", depth + 1) for i, value in enumerate(node)]))
    return problems


def printable(text: str, limit: int | None = None) -> str:
    """Text from the input made safe for one line of a terminal: control characters, line separators
    and broken surrogates escaped, shortened to ``limit`` characters with an ellipsis."""
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return "".join(_escaped(ch) if unicodedata.category(ch) in _UNSHOWN else ch for ch in text)


def _escaped(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) <= 0xFF else f"\\u{ord(ch):04x}"


def shown(value: Any) -> str:
    """A value from the input as it appears in a message: short, on one line, JSON-like."""
    if isinstance(value, str):
        return '"' + printable(value, MAX_SHOWN_CHARS) + '"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return printable(str(value), MAX_SHOWN_CHARS)
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    return "…"


def _key(key: str) -> str:
    """A key as part of a place: as it is when plain, else quoted and escaped."""
    return key if _SIMPLE_KEY.fullmatch(key) and printable(key) == key else shown(key)


def place(where: str, key: str) -> str:
    """The place of ``key`` inside ``where`` (``$`` is the top): ``tools[0].code``, ``name_th``."""
    return _key(key) if where == "$" else f"{where}.{_key(key)}"


def as_decimal(value: Any) -> Decimal | None:
    """A JSON number, or a text holding a plain decimal number ("85.00"), as a Decimal; else None.

    Floats go through their shortest repr, so 33.33 stays 33.33. True/false are not numbers.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and len(value) <= MAX_NUMBER_CHARS and PLAIN_NUMBER.fullmatch(value):
        return Decimal(value)
    return None


# --------------------------------------------------------------------------- definition files

_T = TypeVar("_T")


class DefinitionFileError(Exception):
    """All problems found in one definition file, each as (place in the file, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{where}: {message}" for where, message in problems))


def check_tree(data: Any, error: type[DefinitionFileError]) -> dict:
    """The parsed tree as one JSON object free of refused literals and broken texts, or ``error``."""
    if not isinstance(data, dict):
        raise error([("$", _("the file must hold one JSON object"))])
    tree_problems = json_problems(data)
    if tree_problems:  # markers and broken texts would only cause confusing follow-up problems
        raise error(tree_problems)
    return data


def load_definition_file(
    path: str | Path, parse: Callable[[Any], _T], error: type[DefinitionFileError]
) -> _T:
    """Read a definition file and validate it with ``parse``; every problem names the file."""
    name = printable(Path(path).name, 80)
    try:
        data = parse_json(read_file(path))
    except JsonInputError as exc:
        raise error([(name, str(exc))]) from exc
    try:
        return parse(data)
    except error as exc:
        raise error([(f"{name}: {where}", msg) for where, msg in exc.problems]) from exc


class TreeReader:
    """Reads values out of a JSON tree, noting every problem instead of stopping at the first.

    ``array_limit`` is the most entries a list may have unless a call says otherwise.
    """

    array_limit = 100

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append((where, message))

    def obj(self, node: Any, where: str) -> dict | None:
        if isinstance(node, dict):
            return node
        self.fail(where, _("must be a JSON object"))
        return None

    def known_keys(self, node: dict, where: str, keys: tuple[str, ...]) -> None:
        """A misspelt optional key would otherwise be dropped without a word."""
        for key in node:
            if key not in keys:
                self.fail(
                    place(where, key), _("unknown key; expected one of: %(keys)s") % {"keys": ", ".join(keys)}
                )

    def file_version(self, data: dict, expected: int) -> None:
        """The layout the file says it has (``"version"``) must be the one this portal reads."""
        version = data.get("version")
        if isinstance(version, bool) or version != expected:
            self.fail(
                "version",
                _("unsupported file version %(value)s; this portal reads version %(version)s")
                % {"value": shown(version), "version": expected},
            )

    def array(
        self, node: dict, key: str, where: str, *, required: bool = True, limit: int | None = None
    ) -> list:
        at = place(where, key)
        limit = self.array_limit if limit is None else limit
        value = node.get(key, None if required else [])
        if not isinstance(value, list) or (required and not value):
            self.fail(at, _("a non-empty list is required") if required else _("must be a list"))
            return []
        if len(value) > limit:
            self.fail(at, _("at most %(limit)s entries") % {"limit": limit})
            return []
        return value
