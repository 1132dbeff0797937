"""Shared hypothesis settings for the fuzz targets, bounded for CI.

Every fuzz test uses ``@FUZZ_SETTINGS`` (or ``FUZZ_SETTINGS`` with overrides through
``settings(FUZZ_SETTINGS, max_examples=...)``): a fixed number of examples, a generous per-example
deadline for a loaded two-core machine, no example database written into the checkout, and
derandomised runs so that CI is repeatable (a failure is reproduced by running the test again).
Set ``BRIEFING_FUZZ_EXAMPLES=N`` to run N examples per test locally (a longer hunt).

The budget: each test file's targets together should take well under 10 s on CI.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

FUZZ_EXAMPLES = int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "200"))
"""Examples per fuzz test (200 by default: a few seconds each)."""

FUZZ_DEADLINE = timedelta(seconds=2)
"""The most one example may take: the parsers' bound is 1 s per MB and examples are small, so
2 s is only passed by a super-linear path (or a machine under very heavy load)."""

FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=FUZZ_DEADLINE,
    database=None,
    derandomize=os.environ.get("BRIEFING_FUZZ_RANDOM", "") == "",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
"""The settings every fuzz target uses."""
