"""Models of the assessments app: organizations and people, framework versions, assessments."""

from .assessments import Assessment, DisclosureResult, IndicatorScore, QuestionScore
from .frameworks import (
    AnswerKind,
    AnswerOption,
    AnswerScale,
    Band,
    BandKind,
    BandScheme,
    FrameworkStatus,
    FrameworkVersion,
    Indicator,
    Item,
    ItemElement,
    ItemGroup,
    Polarity,
    SubIndicator,
    Tool,
)
from .import_jobs import ImportJob, ImportJobKind, ImportJobState
from .import_mappings import ImportMapping
from .organizations import (
    WRITER_ROLES,
    Membership,
    Organization,
    OrganizationType,
    OrgQuerySet,
    Role,
    Unit,
)
from .readiness import CheckOutcome, OitReadiness, ReadinessStatus

__all__ = [
    "WRITER_ROLES",
    "AnswerKind",
    "AnswerOption",
    "AnswerScale",
    "Assessment",
    "Band",
    "BandKind",
    "BandScheme",
    "CheckOutcome",
    "DisclosureResult",
    "FrameworkStatus",
    "FrameworkVersion",
    "ImportJob",
    "ImportJobKind",
    "ImportJobState",
    "ImportMapping",
    "Indicator",
    "IndicatorScore",
    "Item",
    "ItemElement",
    "ItemGroup",
    "Membership",
    "OitReadiness",
    "OrgQuerySet",
    "Organization",
    "OrganizationType",
    "Polarity",
    "QuestionScore",
    "ReadinessStatus",
    "Role",
    "SubIndicator",
    "Tool",
    "Unit",
]
