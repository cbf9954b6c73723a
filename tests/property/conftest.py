"""Hypothesis profiles of the property suite, chosen by ``HYPOTHESIS_PROFILE`` (default ``ci``).

* ``ci``: what every CI machine runs, at least 1,000 examples of each property;
* ``dev``: a quick local run;
* ``long``: the nightly soak, at least 20,000 examples.
"""

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "derandomize": False,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow],
}

settings.register_profile("ci", max_examples=1_000, stateful_step_count=50, **_COMMON)
settings.register_profile("dev", max_examples=100, stateful_step_count=30, **_COMMON)
settings.register_profile("long", max_examples=20_000, stateful_step_count=50, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
