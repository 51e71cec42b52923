"""Project-wide checks: no forgotten migration, a complete Thai catalog, vendored front end."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

BASE = Path(settings.BASE_DIR)
PO = BASE / "ita_portal" / "locale" / "th" / "LC_MESSAGES" / "django.po"


def test_no_outstanding_migrations(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "No changes detected"


def test_thai_catalog_has_no_untranslated_or_fuzzy_entries():
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(PO)], capture_output=True, text=True, check=True
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", str(PO)], capture_output=True, text=True, check=True
    ).stdout
    assert untranslated == ""
    assert fuzzy == ""


def test_catalog_is_up_to_date_with_the_code(tmp_path):
    """Every translatable string in code and templates is in the catalog (run `make messages`)."""
    work = tmp_path / "locale"
    shutil.copytree(BASE / "ita_portal" / "locale", work)
    before = set(_msgids(PO))
    try:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-l",
                "th",
                "--ignore=.venv",
                "--ignore=static",
                "--ignore=staticfiles",
                "--ignore=tests",
                "--no-obsolete",
            ],
            cwd=BASE,
            capture_output=True,
            check=True,
            env={**os.environ, "DJANGO_DEBUG": "1"},  # settings refuse DEBUG off without a secret key
        )
        after = set(_msgids(PO))
    finally:
        shutil.copy(work / "th" / "LC_MESSAGES" / "django.po", PO)  # leave the catalog as it was
    assert sorted(after - before) == []


def _msgids(po: Path) -> list[str]:
    out = subprocess.run(["msgcat", "--no-wrap", str(po)], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line.startswith(("msgid ", "msgctxt "))]


def test_front_end_files_are_vendored_and_no_cdn_is_used():
    for path in [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/chartjs/chart.umd.min.js",
        "fonts/sarabun/Sarabun_400Regular.ttf",
        "fonts/sarabun/OFL.txt",
    ]:
        assert (BASE / "static" / path).is_file(), path
    templates = "".join(p.read_text() for p in (BASE / "templates").rglob("*.html"))
    assert "https://" not in templates.replace("https://…", "")
    assert "<script>" not in templates


def test_nothing_in_the_project_reads_the_shared_folder():
    """Frameworks ship in fixtures/; ../shared is for people, not for the running portal."""
    code = [p for d in ("ita_portal", "assessments", "measures", "reports") for p in (BASE / d).rglob("*.py")]
    offenders = [str(p.relative_to(BASE)) for p in code if "shared/" in p.read_text()]
    assert code
    assert offenders == []


def _manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, str(BASE / "manage.py"), *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=BASE,
        timeout=120,
    )


def test_debug_off_without_secret_key_refuses_to_start_with_one_line():
    done = _manage(["check"], {})
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "DJANGO_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_readme_production_environment_passes_check_deploy_without_warnings():
    readme = (BASE / "README.md").read_text(encoding="utf-8")
    block = readme.split("```env\n", 1)[1].split("```", 1)[0]
    env = dict(line.split("=", 1) for line in block.splitlines() if line.strip())
    env["DATABASE_URL"] = "sqlite:///:memory:"  # check --deploy needs no real database
    done = _manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert done.returncode == 0, done.stderr
    assert "WARNINGS" not in done.stdout + done.stderr
