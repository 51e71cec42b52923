"""Fixtures shared by the measures tests: a measure of organization A's 2565 plan and its 6-month round.

A test module that needs a measure with more in it (targets, units, reports) defines its own
``measure``, which takes precedence over this one in that module.
"""

from __future__ import annotations

import pytest

from measures import services


@pytest.fixture
def measure(assessment, officer):
    return services.measure_create(assessment=assessment, title="มาตรการทดสอบ", rounds=[6, 12], user=officer)


@pytest.fixture
def round6(measure):
    return measure.monitoring_rounds.get(month=6)
