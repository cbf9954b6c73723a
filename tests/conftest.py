"""Suite-wide guard: never test a compiled module older than its source."""

from pathlib import Path

import pytest

SOURCE_ROOT = Path(__file__).resolve().parent.parent / "src" / "bourse"


def pytest_configure(config: pytest.Config) -> None:
    stale = [
        native.name
        for native in SOURCE_ROOT.rglob("*.so")
        if (source := native.with_name(native.name.split(".", 1)[0] + ".py")).exists()
        and source.stat().st_mtime > native.stat().st_mtime
    ]
    if stale:
        raise pytest.UsageError(
            f"compiled modules are older than their sources: {', '.join(sorted(stale))}; "
            "run `make native` (or `make clean-native` to test the pure-Python sources)"
        )
