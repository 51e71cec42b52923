"""The memo cast: organization A's 2565 plan with two measures reported at 6 months, a head of the
clerk's office and a mayor beside the executive, the chain head → executive → mayor, and a draft memo
carrying the 6-month progress report."""

from __future__ import annotations

import pytest

from assessments.models import Role
from measures import services as measure_services
from memos import services
from memos.attachments import ReportSpec
from tests.conftest import make_member


@pytest.fixture
def measures_reported(assessment, officer):
    made = []
    for title, result in [
        ("มาตรการเผยแพร่ข้อมูล", "เผยแพร่ครบ 12 เรื่อง"),
        ("มาตรการ No Gift Policy", "ประกาศแล้ว"),
    ]:
        m = measure_services.measure_create(assessment=assessment, title=title, rounds=[6, 12], user=officer)
        measure_services.progress_report_save(
            round=m.monitoring_rounds.get(month=6), result=result, outcome="ดี", percent=50, user=officer
        )
        made.append(m)
    return made


@pytest.fixture
def head(org_a):
    user = make_member("head", org_a, Role.EXECUTIVE, "หัวหน้าสำนักปลัดเทศบาล")
    user.first_name, user.last_name = "จิตรา", "สายใจ"
    user.save()
    return user


@pytest.fixture
def mayor(org_a):
    user = make_member("mayor", org_a, Role.EXECUTIVE, "นายกเทศมนตรีตำบลทดสอบ")
    user.first_name, user.last_name = "อานนท์", "แก้วดี"
    user.save()
    return user


@pytest.fixture
def chain(org_a, org_admin, head, executive, mayor):
    executive.first_name, executive.last_name = "วราพร", "ทองดี"
    executive.save()
    return services.chain_save(
        organization=org_a,
        name="สายงานปกติ",
        steps=[("หัวหน้าสำนักปลัดเทศบาล", head), ("ปลัดเทศบาล", executive), ("นายกเทศมนตรี", mayor)],
        user=org_admin,
    )


@pytest.fixture
def unit(org_a):
    u = org_a.units.get(name="สำนักปลัด")
    u.code, u.phone = "ขก 54001", "0 4321 0000"
    u.save()
    return u


@pytest.fixture
def progress6(org_a, measures_reported):
    return ReportSpec("progress", org_a.pk, 2565, round_months=6)


@pytest.fixture
def memo(org_a, unit, chain, officer, progress6):
    officer.first_name, officer.last_name = "เยาวภา", "ใจงาม"
    officer.save()
    return services.memo_create(
        organization=org_a, unit=unit, fiscal_year=2565, chain=chain, attachments=[progress6], user=officer
    )


def approve_all(memo, users):
    """Each user approves in turn; returns the memo fresh."""
    for user in users:
        memo.refresh_from_db()
        services.memo_decide(
            memo=memo, step=memo.current_step, revision=memo.revision, kind="approve", user=user
        )
    memo.refresh_from_db()
    return memo
