"""Memo PDF benchmark: warm render time of a 2-page memo, next to WeasyPrint alone on the same HTML.

Builds a throw-away SQLite database (or uses BENCH_DATABASE_URL) with the demo data set (its memo is
approved by three approvers: two pages without the attached report), renders the memo pages once to
warm up (fonts, templates), then REPEAT times through the portal (context, template, WeasyPrint) and
REPEAT times through WeasyPrint alone on the HTML the portal produced. Targets (issue 8): median of
the portal's render <= 0.15 s, ratio portal / WeasyPrint alone <= 1.2. Prints the figures and exits 1
when a target is missed. Run: ``.venv/bin/python scripts/bench_memos.py``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="ita-bench-memos-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORKDIR}/bench.sqlite3")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
os.environ["DJANGO_DEBUG"] = ""  # measure what production runs: templates cached
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
warnings.filterwarnings("ignore", "No directory at")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from weasyprint import HTML  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))
TARGET_SECONDS = 0.15
TARGET_RATIO = 1.2


def median_time(work, repeat: int) -> tuple[float, float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def pages(pdf: bytes) -> int:
    path = Path(WORKDIR) / "memo.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> int:
    settings.MEDIA_ROOT = Path(WORKDIR) / "media"
    call_command("migrate", verbosity=0, interactive=False)
    from assessments.demo import seed_demo
    from measures.template_file import SHIPPED_FILE, load_templates
    from measures.template_library import measure_templates_load
    from memos.documents import memo_html
    from memos.models import Memo
    from reports.pdf import STATIC_DIR, StaticOnlyFetcher, font_config, html_to_pdf

    measure_templates_load(specs=load_templates(SHIPPED_FILE))
    seed_demo()
    memo = Memo.objects.select_related("organization", "unit", "chain").get()

    def portal() -> bytes:
        return html_to_pdf(memo_html(memo, attachments=False))

    html = memo_html(memo, attachments=False)

    def weasyprint_alone() -> bytes:
        document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=StaticOnlyFetcher())
        return document.write_pdf(font_config=font_config())

    count = pages(portal())  # warm: fonts loaded, templates compiled
    weasyprint_alone()
    ours, ours_min, ours_max = median_time(portal, REPEAT)
    alone, alone_min, alone_max = median_time(weasyprint_alone, REPEAT)
    ratio = ours / alone
    print(f"memo PDF ({count} pages), {REPEAT} warm renders each:")
    print(f"  portal (context + template + WeasyPrint): median {ours:.3f} s ({ours_min:.3f}-{ours_max:.3f})")
    print(
        f"  WeasyPrint alone, same HTML:             median {alone:.3f} s ({alone_min:.3f}-{alone_max:.3f})"
    )
    print(f"  ratio {ratio:.2f} (target <= {TARGET_RATIO}); time target <= {TARGET_SECONDS} s")
    ok = ours <= TARGET_SECONDS and ratio <= TARGET_RATIO
    print("  OK" if ok else "  TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
