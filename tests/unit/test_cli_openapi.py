"""`bourse openapi` builds the served document without a server."""

import json
from pathlib import Path

from bourse.cli import main


def test_openapi_command_writes_the_document_with_every_route(tmp_path: Path) -> None:
    output = tmp_path / "openapi.json"

    status = main(["openapi", "-o", str(output)])

    document = json.loads(output.read_text())
    assert status == 0
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/orders/{variety}" in document["paths"]
    assert "/" not in document["paths"]


def test_openapi_command_leaves_an_unchanged_file_untouched(tmp_path: Path) -> None:
    output = tmp_path / "openapi.json"
    main(["openapi", "-o", str(output)])
    before = output.stat().st_mtime_ns

    main(["openapi", "-o", str(output)])

    assert output.stat().st_mtime_ns == before
