"""Helpers the plan writes and the progress writes share (see the package docstring for the lock order)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.db import transaction

from ..models import Evidence, Measure


def _measure_locked(measure: Measure) -> Measure:
    """Lock the measure row for the rest of the transaction and return it fresh (with its assessment)."""
    return Measure.objects.select_for_update().select_related("assessment").get(pk=measure.pk)


def _delete_files_later(names: Iterable[str]) -> None:
    """Delete stored files after the commit, unless another evidence row still refers to them
    (report versions share their predecessors' files)."""
    names = [n for n in names if n]

    def delete() -> None:
        still_used = set(Evidence.objects.filter(file__in=names).values_list("file", flat=True))
        for name in set(names) - still_used:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)
