"""The shared cast: officer, executive and admin of organization A; an outsider of organization B.

The shipped framework versions (2563-2569) and the measure template library are loaded once per test
database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from assessments import services
from assessments.demo import load_shipped_frameworks
from assessments.models import Membership, Organization, OrganizationType, Role, Unit
from measures.models import MeasureTemplate
from measures.template_file import SHIPPED_FILE, load_templates
from measures.template_library import measure_templates_load

PASSWORD = "test-pass-1234"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"  # the smallest file sniffed as a PDF


def pytest_configure(config):
    """Tests hash passwords with a fast hasher: PBKDF2's 1,000,000 rounds cost about 0.25 s a user,
    and most tests create four users. Login, lock-out and password-change behaviour do not depend on
    the hasher's cost."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Live-server and race-test threads close their connections when done: a persistent connection
    # left open kept PostgreSQL from dropping the test database at the end of the run.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_shipped_frameworks()
        measure_templates_load(specs=load_templates(SHIPPED_FILE))


def _ensure_measure_templates() -> None:
    """A transactional test (PostgreSQL races) flushes every table: load the library again then."""
    if not MeasureTemplate.objects.exists():
        measure_templates_load(specs=load_templates(SHIPPED_FILE))


@pytest.fixture
def measure_templates(db):
    """The shipped template library in the table (reloaded if a transactional test flushed it)."""
    _ensure_measure_templates()


@pytest.fixture
def frameworks(db):
    """The shipped versions by fiscal year, and the template library (reloaded if a transactional test
    flushed them)."""
    _ensure_measure_templates()
    return {r.version.fiscal_year: r.version for r in load_shipped_frameworks()}


@pytest.fixture
def fw2565(frameworks):
    return frameworks[2565]


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def make_org(name: str, code: str) -> Organization:
    org = Organization.objects.create(
        name=name, org_type=OrganizationType.SUBDISTRICT_MUNICIPALITY, province="ขอนแก่น", itas_code=code
    )
    for order, unit in enumerate(["สำนักปลัด", "กองคลัง", "กองช่าง"]):
        Unit.objects.create(organization=org, name=unit, order=order)
    return org


def run_at_once(work: Callable[[int], Any], n: int) -> list[Any]:
    """Call ``work(0)`` ... ``work(n - 1)`` in n threads released together by a barrier (PostgreSQL races).

    Each thread has its own database connection (Django opens one per thread) and closes it when done,
    so the test database can be flushed afterwards. Returns, in thread order, what each call returned
    or the exception it raised; a thread still running after 120 s counts as a ``TimeoutError``.
    Use with ``transactional_db``: the threads must see committed rows.
    """
    barrier = threading.Barrier(n)
    outcomes: list[Any] = [TimeoutError(f"thread {i} did not finish") for i in range(n)]

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index] = work(index)
        except BaseException as exc:  # returned to the test's thread, which asserts on it
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return list(outcomes)


def raised(outcomes: list[Any]) -> list[BaseException]:
    """The exceptions among ``run_at_once``'s outcomes."""
    return [o for o in outcomes if isinstance(o, BaseException)]


def make_member(username: str, org: Organization, role: str, title: str = ""):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(user=user, organization=org, role=role, position_title=title)
    return user


@pytest.fixture
def org_a(db):
    return make_org("เทศบาลตำบลทดสอบ", "T-0001")


@pytest.fixture
def org_b(db):
    return make_org("องค์การบริหารส่วนตำบลอื่น", "T-0002")


@pytest.fixture
def officer(org_a):
    return make_member("officer", org_a, Role.OFFICER, "นักวิเคราะห์นโยบายและแผน")


@pytest.fixture
def executive(org_a):
    return make_member("executive", org_a, Role.EXECUTIVE, "ปลัดเทศบาล")


@pytest.fixture
def org_admin(org_a):
    return make_member("org-admin", org_a, Role.ADMIN, "นักวิชาการคอมพิวเตอร์")


@pytest.fixture
def outsider(org_b):
    return make_member("outsider", org_b, Role.OFFICER)


@pytest.fixture
def assessment(fw2565, org_a, officer):
    """Organization A's 2565 assessment with two indicator scores and one O-item entered."""
    a = services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    services.indicator_scores_set(
        assessment=a, scores={1: Decimal("88.81"), 2: Decimal("75.15")}, user=officer
    )
    item = a.framework.items.get(code="O1")
    services.disclosure_result_set(
        assessment=a, item=item, passed=True, urls=["https://a.example/o1"], note="", user=officer
    )
    a.refresh_from_db()
    return a


@pytest.fixture
def assessment_b(fw2565, org_b, outsider):
    """Organization B's 2565 assessment: data that must never leak to organization A."""
    return services.assessment_create(organization=org_b, fiscal_year=2565, user=outsider)
