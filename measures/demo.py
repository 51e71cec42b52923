"""Demo measures for the demo organization's 2565 assessment (called at the end of seed_demo).

Seven measures drafted from templates, checked at the 6- and 12-month rounds; four have a 6-month
report (one with two versions, one with a link as evidence) and the rest none, so with every 2565
round in the past the lists show overdue rounds. Idempotent: an assessment that already has
measures is left as it is.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from assessments.models import Assessment, Membership, Organization, Role

from . import comment_services, services
from .models import Measure, MeasureStatus, MeasureTemplate
from .template_file import SHIPPED_FILE, load_templates
from .template_library import measure_templates_load

DEMO_TEMPLATES = [
    "budget-plan-explanation",
    "asset-borrowing-rules",
    "e-service",
    "no-gift-policy",
    "corruption-risk-assessment",
    "complaint-channel",
    "six-month-operation-report",
]

# template code -> (result, outcome, suggestion, percent) of the 6-month round
DEMO_REPORTS = {
    "budget-plan-explanation": (
        "จัดประชุมชี้แจงแผนการใช้จ่ายงบประมาณประจำปีแก่บุคลากรทุกกองเมื่อเดือนพฤศจิกายน 2564 "
        "และเผยแพร่สรุปแผนทางกลุ่มไลน์ของหน่วยงาน",
        "บุคลากรเข้าร่วมประชุมร้อยละ 92",
        "ควรจัดชี้แจงซ้ำเมื่อมีการโอนงบประมาณระหว่างปี",
        60,
    ),
    "asset-borrowing-rules": (
        "ออกประกาศหลักเกณฑ์การยืมพัสดุและจัดทำแบบฟอร์มการยืมคืนพัสดุ",
        "มีทะเบียนการยืมคืนพัสดุครบทุกรายการ",
        "",
        50,
    ),
    "e-service": (
        "เปิดให้บริการยื่นคำร้องออนไลน์ 3 ประเภทงานผ่านเว็บไซต์ของเทศบาล",
        "มีผู้ใช้บริการออนไลน์ 48 ราย",
        "ประชาสัมพันธ์ช่องทางออนไลน์เพิ่มเติมผ่านผู้นำชุมชน",
        45,
    ),
    "no-gift-policy": (
        "นายกเทศมนตรีประกาศเจตนารมณ์ No Gift Policy และแจ้งเวียนบุคลากรทุกคน",
        "บุคลากรลงนามรับทราบครบทุกคน",
        "",
        70,
    ),
}
CORRECTED = "budget-plan-explanation"  # its report has a second version
WITH_LINK = "e-service"
DEMO_LINK = "https://www.example.org/e-service"
# template code -> an executive's comment on the 6-month round (the first one is then marked done)
DEMO_COMMENTS = {
    "budget-plan-explanation": "ขอให้แนบรายชื่อผู้เข้าร่วมประชุมเป็นหลักฐานเพิ่มเติมด้วย",
    "corruption-risk-assessment": "รอบ 6 เดือนยังไม่มีรายงาน ขอให้กองที่รับผิดชอบรายงานผลภายในสัปดาห์นี้",
}


@transaction.atomic
def seed_demo_measures(organization: Organization, assessment: Assessment, officer: Any) -> list[Measure]:
    """Create the demo measures once; returns the assessment's measures in number order."""
    existing = Measure.objects.filter(organization=organization, assessment=assessment)
    if existing.exists():
        return list(existing.order_by("number"))
    if not MeasureTemplate.objects.exists():  # `make demo` loads them first; a bare seed_demo too
        measure_templates_load(specs=load_templates(SHIPPED_FILE))
    result = services.measures_from_templates(
        assessment=assessment, template_codes=DEMO_TEMPLATES, user=officer
    )
    for measure in result.measures:
        services.measure_rounds_set(measure=measure, months=[6, 12], user=officer)
        content = DEMO_REPORTS.get(measure.template_code)
        if content is None:
            continue  # no report: overdue, since the 2565 rounds are all in the past
        services.measure_update(measure=measure, status=MeasureStatus.IN_PROGRESS, user=officer)
        result_text, outcome, suggestion, percent = content
        six = measure.monitoring_rounds.get(month=6)
        report = services.progress_report_save(
            round=six,
            result=result_text,
            outcome=outcome,
            suggestion=suggestion,
            percent=percent,
            user=officer,
        )
        if measure.template_code == WITH_LINK:
            services.evidence_add_url(report=report, url=DEMO_LINK, user=officer)
        if measure.template_code == CORRECTED:
            services.progress_report_save(
                round=six,
                result=result_text,
                outcome=outcome,
                suggestion=suggestion,
                percent=percent + 10,
                user=officer,
            )
    _demo_comments(organization, result.measures, officer)
    return list(existing.order_by("number"))


def _demo_comments(organization: Organization, measures: list[Measure], officer: Any) -> None:
    """The executive's comments on two 6-month rounds; the officer marks the first one done."""
    executive = (
        Membership.objects.filter(organization=organization, role=Role.EXECUTIVE)
        .select_related("user")
        .first()
    )
    if executive is None:
        return
    for n, measure in enumerate(m for m in measures if m.template_code in DEMO_COMMENTS):
        comment = comment_services.comment_add(
            measure=measure,
            round=measure.monitoring_rounds.get(month=6),
            text=DEMO_COMMENTS[measure.template_code],
            user=executive.user,
        )
        if n == 0:
            comment_services.comment_resolve(comment=comment, user=officer)
