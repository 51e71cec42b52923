"""The only code that writes measures, their rounds, progress reports and evidence (STYLE.md §2).

Locks: writes to a measure's plan (create, update, rounds, delete) lock the assessment row first
(``assessments.services._assessment_locked``), so order numbers are allocated one writer at a time,
then the measure row. Writes to what is reported (reports, evidence, due dates) lock the measure row
only. The order is always assessment → measure, so two writers never wait on each other in a circle.

Every service checks the role again (``require_write``), validates everything before it saves,
changes only the fields it is given (``UNSET``) and answers in Thai through gettext.

The package: ``measures`` (the plan: measures, rounds, due dates), ``progress`` (report versions and
evidence), ``templates`` (measures from the template library), ``items`` (draft measures for
chosen O-items, from the gap-to-target planner), ``_common`` (the measure lock and file
clean-up both sides use). Everything is re-exported here, so ``from measures import services`` and
``services.measure_create(...)`` stay the way to call them.
"""

from assessments.services import UNSET

from ._common import _delete_files_later, _measure_locked
from .items import ItemsResult, measures_for_items
from .measures import (
    MAX_STEPS,
    MEASURE_FIELDS,
    MEASURE_RELATIONS,
    STEP_MAX,
    measure_create,
    measure_delete,
    measure_rounds_set,
    measure_update,
    round_due_date_set,
)
from .progress import (
    AUTOSAVE_WINDOW,
    REPORT_FIELDS,
    URL_MAX,
    evidence_add_file,
    evidence_add_url,
    evidence_delete,
    progress_report_lock,
    progress_report_save,
)
from .templates import UNIT_KIND_NAMES, TemplatesResult, Unmapped, measures_from_templates

__all__ = [
    "AUTOSAVE_WINDOW",
    "MAX_STEPS",
    "MEASURE_FIELDS",
    "MEASURE_RELATIONS",
    "REPORT_FIELDS",
    "STEP_MAX",
    "UNIT_KIND_NAMES",
    "UNSET",
    "URL_MAX",
    "ItemsResult",
    "TemplatesResult",
    "Unmapped",
    "_delete_files_later",
    "_measure_locked",
    "evidence_add_file",
    "evidence_add_url",
    "evidence_delete",
    "measure_create",
    "measure_delete",
    "measure_rounds_set",
    "measure_update",
    "measures_for_items",
    "measures_from_templates",
    "progress_report_lock",
    "progress_report_save",
    "round_due_date_set",
]
