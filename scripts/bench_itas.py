"""`make bench`: the ITAS import at national scale (issue 7 item 8).

Generates once (cached under .bench/) a national workbook: 8,300 agencies, sheets summary + indicators
(10 per agency) + oit (43 O-items per agency), about 450,000 rows, year 2565. Then measures, each in a
child process of its own so that peak memory is that step's alone:

* the bare read: python-calamine reading every sheet of the file into Python rows;
* the import on a fresh database (agencies created, assessments and their rows written), then a
  second import of the same file (everything unchanged): time and the child's peak RSS.

On SQLite (a throw-away file) always, and on PostgreSQL when BENCH_DATABASE_URL is given
(postgres://...; the database is created if missing and EMPTIED: give it a throw-away one).
Targets: import ≤ 10 × the bare read, peak RSS ≤ 800 MB. Exit 1 when a target is missed.

    python scripts/bench_itas.py                 # 8,300 agencies
    BENCH_ITAS_AGENCIES=500 python scripts/bench_itas.py
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AGENCIES = int(os.environ.get("BENCH_ITAS_AGENCIES", "8300"))
CACHE = ROOT / ".bench"
TARGET_RATIO = 10
TARGET_MB = 800


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child_read(path: str) -> dict:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    book = CalamineWorkbook.from_path(path)
    rows = 0
    for name in book.sheet_names:
        rows += len(book.get_sheet_by_name(name).to_python())
    return {"seconds": time.perf_counter() - start, "rows": rows, "peak_mb": peak_mb()}


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ["DJANGO_DEBUG"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
    warnings.filterwarnings("ignore", "No directory at")
    import django

    django.setup()


def _create_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def child_import(path: str, database_url: str) -> dict:
    if database_url.startswith("postgres"):
        _create_database(database_url)
    _django(database_url)
    from django.core.management import call_command

    from assessments.demo import load_shipped_frameworks
    from assessments.itas_import import COMMAND_LINE, itas_import
    from assessments.models import Assessment, DisclosureResult, IndicatorScore

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    load_shipped_frameworks()
    base_mb = peak_mb()
    data = Path(path).read_bytes()
    out = {"setup_peak_mb": base_mb}
    for run in ("first", "second"):
        if database_url.startswith("postgres"):
            # The set-up (migrate, flush: a TRUNCATE of last run's 450,000 rows) leaves WAL behind: a
            # checkpoint it owes would otherwise land inside the timed import on a slow disk.
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("CHECKPOINT")
        start = time.perf_counter()
        result = itas_import(data=data, user=COMMAND_LINE, year=2565, create_agencies=True)
        seconds = time.perf_counter() - start
        if result.errors:
            raise SystemExit(f"import failed: {[str(e) for e in result.errors[:5]]}")
        out[run] = {
            "seconds": seconds,
            "peak_mb": peak_mb(),
            "created": result.as_json()["created"],
            "updated": result.as_json()["updated"],
            "unchanged": result.as_json()["unchanged"],
            "discrepancies": len(result.discrepancies),
        }
        del result
    out["stored"] = {
        "assessments": Assessment.objects.count(),
        "indicator_scores": IndicatorScore.objects.count(),
        "disclosure_results": DisclosureResult.objects.count(),
    }
    return out


def run_child(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:1])} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def workbook() -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"itas-national-{AGENCIES}.xlsx"
    if not path.exists():
        _django(f"sqlite:///{tempfile.mkdtemp(prefix='ita-bench-')}/gen.sqlite3")
        from assessments.itas_national import national_workbook

        start = time.perf_counter()
        national_workbook(AGENCIES, path=path.with_suffix(".tmp.xlsx"))
        path.with_suffix(".tmp.xlsx").rename(path)
        print(f"generated {path.name} in {time.perf_counter() - start:.1f} s")
    return path


def main() -> int:
    path = workbook()
    size = path.stat().st_size / 2**20
    read = run_child("read", str(path))
    print(f"national workbook: {AGENCIES} agencies, {read['rows']:,} rows, {size:.1f} MiB")
    print(f"bare calamine read: {read['seconds']:.2f} s, peak {read['peak_mb']:.0f} MB")
    databases = [("sqlite", f"sqlite:///{tempfile.mkdtemp(prefix='ita-bench-')}/bench.sqlite3")]
    if os.environ.get("BENCH_DATABASE_URL"):
        databases.append(("postgresql", os.environ["BENCH_DATABASE_URL"]))
    header = f"{'database':<11} {'import s':>9} {'× read':>7} {'peak MB':>8} {'re-import s':>12}"
    print(header)
    ok = True
    for name, url in databases:
        got = run_child("import", str(path), url)
        first, second = got["first"], got["second"]
        ratio = first["seconds"] / read["seconds"]
        peak = max(first["peak_mb"], second["peak_mb"])
        met = ratio <= TARGET_RATIO and peak <= TARGET_MB
        ok = ok and met
        verdict = f"≤{TARGET_RATIO}× ≤{TARGET_MB}MB: {'met' if met else 'MISSED'}"
        print(
            f"{name:<11} {first['seconds']:>9.1f} {ratio:>7.1f} {peak:>8.0f} {second['seconds']:>12.1f} "
            f"{verdict:>22}"
        )
        print(
            f"{'':<11} first: {first['created']} created, {first['discrepancies']} discrepancies, peak "
            f"{first['peak_mb']:.0f} MB; second: {second['unchanged']} unchanged, "
            f"{second['updated']} updated; stored {got['stored']}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "read":
        print(json.dumps(child_read(sys.argv[2])))
    elif len(sys.argv) > 1 and sys.argv[1] == "import":
        print(json.dumps(child_import(sys.argv[2], sys.argv[3])))
    else:
        sys.exit(main())
