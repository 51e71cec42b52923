"""The demo data set: two organizations, their units, the demo users and filled-in assessments of
2564 and 2565 (the dashboard compares the two).

Idempotent: running it again changes nothing that is already there, except that passwords are reset
and each demo user's staff flags are set to what the table below says (an older database where
demo-admin was a superuser is mended: an organization's administrator is not site staff).
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext

from . import services
from .framework_file import FrameworkSpec, load_framework_file
from .models import Assessment, Membership, Organization, OrganizationType, Role, Unit

DEMO_PASSWORD = "demo1234"
FRAMEWORK_DIR = Path(settings.BASE_DIR) / "fixtures" / "frameworks"

ORGANIZATIONS = [
    {
        "name": "เทศบาลตำบลหนองบัวงาม",
        "org_type": OrganizationType.SUBDISTRICT_MUNICIPALITY,
        "province": "ขอนแก่น",
        "district": "บ้านฝาง",
        "itas_code": "DEMO-5401",
        "phone": "0 4321 0000",
        "units": [
            ("สำนักปลัดเทศบาล", "ขก 54001/สป"),
            ("กองคลัง", "ขก 54001/กค"),
            ("กองช่าง", "ขก 54001/กช"),
            ("กองการศึกษา", "ขก 54001/กศ"),
            ("กองยุทธศาสตร์และงบประมาณ", "ขก 54001/ยผ"),
        ],
    },
    {
        "name": "องค์การบริหารส่วนตำบลโนนสว่าง",
        "org_type": OrganizationType.SAO,
        "province": "มหาสารคาม",
        "district": "กันทรวิชัย",
        "itas_code": "DEMO-4402",
        "phone": "0 4300 0000",
        "units": [("สำนักปลัด", ""), ("กองคลัง", ""), ("กองช่าง", "")],
    },
]

# username, organization index, role, unit index, first name, last name, position title
USERS = [
    ("demo-officer", 0, Role.OFFICER, 4, "สมหญิง", "ใจดี", "นักวิเคราะห์นโยบายและแผนชำนาญการ"),
    ("demo-executive", 0, Role.EXECUTIVE, 0, "สมชาย", "รักงาน", "ปลัดเทศบาลตำบลหนองบัวงาม"),
    ("demo-admin", 0, Role.ADMIN, 0, "วันดี", "มีระเบียบ", "นักวิชาการคอมพิวเตอร์ปฏิบัติการ"),
    ("demo-outsider", 1, Role.OFFICER, 0, "มานะ", "อดทน", "นักจัดการงานทั่วไปปฏิบัติการ"),
    ("demo-head", 0, Role.EXECUTIVE, 0, "จิตรา", "ศรีสุข", "หัวหน้าสำนักปลัดเทศบาล"),
    ("demo-mayor", 0, Role.EXECUTIVE, 0, "อานนท์", "บุญมา", "นายกเทศมนตรีตำบลหนองบัวงาม"),
]

# Site staff: opens /admin/ and the framework editor; a member of no organization.
STAFF_USERNAME = "demo-staff"
STAFF_NAME = ("ผู้ดูแล", "ระบบ")

# A filled-in 2565 assessment so the portal has something to show (made-up figures).
DEMO_INDICATORS_2565 = {
    1: "86.40",
    2: "78.12",
    3: "81.05",
    4: "79.90",
    5: "77.35",
    6: "84.10",
    7: "80.02",
    8: "79.55",
}
DEMO_FAILED_ITEMS_2565 = {
    "O16": "ยังไม่มีรายงานผลสำรวจความพึงพอใจของปีที่ประเมิน",
    "O40": "รายงานรอบ 6 เดือนยังไม่ได้เผยแพร่",
}

# The year before, so the dashboard's and the analysis's comparison with earlier years shows a trend
# (made-up figures, a little lower than 2565: band B).
DEMO_INDICATORS_2564 = {
    1: "84.20",
    2: "74.65",
    3: "80.10",
    4: "76.45",
    5: "75.80",
    6: "82.30",
    7: "78.15",
    8: "76.90",
}
DEMO_FAILED_ITEMS_2564 = {
    "O16": "ยังไม่มีรายงานผลสำรวจความพึงพอใจ",
    "O31": "ยังไม่ได้เผยแพร่รายงานผลการจัดซื้อจัดจ้างประจำปี",
    "O40": "รายงานรอบ 6 เดือนยังไม่ได้เผยแพร่",
}


def _seed_year(org: Organization, year: int, indicators: dict, failed: dict, officer) -> None:
    """A filled-in assessment of a year, made once (an existing year is left as it is)."""
    if Assessment.objects.filter(organization=org, fiscal_year=year).exists():
        return
    assessment = services.assessment_create(organization=org, fiscal_year=year, user=officer)
    services.indicator_scores_set(
        assessment=assessment, scores={n: Decimal(v) for n, v in indicators.items()}, user=officer
    )
    services.disclosures_mark_passed(assessment=assessment, user=officer)
    for item in assessment.framework.items.filter(code__in=failed):
        services.disclosure_result_set(
            assessment=assessment, item=item, passed=False, urls=[], note=failed[item.code], user=officer
        )


def load_shipped_frameworks() -> list[services.FrameworkLoadResult]:
    """Load the shipped framework files (unchanged ones are skipped by checksum)."""
    return [
        services.framework_load(spec=_shipped_spec(path, path.stat().st_mtime_ns))
        for path in sorted(FRAMEWORK_DIR.glob("ita-*.json"))
    ]


@functools.lru_cache(maxsize=16)
def _shipped_spec(path: Path, mtime_ns: int) -> FrameworkSpec:
    """A shipped file parsed once per process (and again if the file changes): specs are frozen."""
    return load_framework_file(path)


@transaction.atomic
def seed_demo() -> list[tuple[str, str, str]]:
    """Create the demo data set; returns (username, role, organization) of each demo user."""
    load_shipped_frameworks()
    orgs = []
    for spec in ORGANIZATIONS:
        fields = {k: v for k, v in spec.items() if k not in {"name", "units"}}
        org, _ = Organization.objects.get_or_create(name=spec["name"], defaults=fields)
        for order, (unit_name, code) in enumerate(spec["units"]):
            Unit.objects.get_or_create(
                organization=org, name=unit_name, defaults={"code": code, "order": order}
            )
        orgs.append(org)

    User = get_user_model()
    logins = []
    for username, org_index, role, unit_index, first, last, title in USERS:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        user.set_password(DEMO_PASSWORD)
        # Organization roles never make site staff (an older seed made demo-admin a superuser).
        user.is_staff = user.is_superuser = False
        user.save()
        org = orgs[org_index]
        unit = org.units.order_by("order")[unit_index]
        membership, _ = Membership.objects.get_or_create(
            user=user, organization=org, defaults={"role": role, "unit": unit, "position_title": title}
        )
        if membership.role != role:
            membership.role = role
            membership.save()
        logins.append((username, role.label, org.name))

    staff, _ = User.objects.get_or_create(
        username=STAFF_USERNAME, defaults={"first_name": STAFF_NAME[0], "last_name": STAFF_NAME[1]}
    )
    staff.set_password(DEMO_PASSWORD)
    staff.is_staff = staff.is_superuser = True
    staff.save()
    logins.append((STAFF_USERNAME, gettext("site staff: /admin/ and frameworks"), "–"))

    officer = User.objects.get(username="demo-officer")
    _seed_year(orgs[0], 2564, DEMO_INDICATORS_2564, DEMO_FAILED_ITEMS_2564, officer)
    _seed_year(orgs[0], 2565, DEMO_INDICATORS_2565, DEMO_FAILED_ITEMS_2565, officer)
    from measures.demo import seed_demo_measures  # measures builds on assessments: imported late

    seed_demo_measures(orgs[0], Assessment.objects.get(organization=orgs[0], fiscal_year=2565), officer)
    from memos.demo import seed_demo_memos  # memos build on measures: imported late

    seed_demo_memos(orgs[0])
    return logins
