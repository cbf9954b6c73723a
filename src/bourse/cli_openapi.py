"""``bourse openapi``: print (or write) the OpenAPI document without serving anything.

The document is built by the same code that serves ``/api/v1/openapi.json``, from the operations
of a platform assembled in a throw-away directory (development settings, fresh SQLite and
journal), so it cannot drift from the routes. The web terminal's typed client is generated
from it (``make web``).
"""

import argparse
import dataclasses
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TypeAlias

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def openapi_document() -> dict[str, object]:
    from bourse.api.docs_routes import DESCRIPTION, TITLE, api_version
    from bourse.api.openapi import build_document
    from bourse.app import create_platform
    from bourse.settings import Settings

    with tempfile.TemporaryDirectory(prefix="bourse-openapi-") as scratch:
        data_dir = Path(scratch) / "var"
        settings = dataclasses.replace(
            Settings.from_env({"BOURSE_MODE": "development"}),
            data_dir=data_dir,
            database_url=f"sqlite:///{data_dir / 'bourse.db'}",
        )
        platform = create_platform(settings)
        try:
            operations = platform.app.state.operations
            return build_document(
                operations, title=TITLE, version=api_version(), description=DESCRIPTION
            )
        finally:
            platform.close()


def _openapi(args: argparse.Namespace) -> int:
    text = json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"
    output: Path | None = args.output
    if output is None:
        sys.stdout.write(text)
        return 0
    # Replace atomically and only when changed, so make sees no change when there is none.
    if output.is_file() and output.read_text() == text:
        return 0
    temporary = output.with_name(output.name + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, output)
    return 0


def add_openapi(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "openapi",
        help="print the OpenAPI document of the API (no server needed)",
        description=(
            "Build the OpenAPI 3.1 document that /api/v1/openapi.json serves, from a platform "
            "assembled in a temporary directory, and print it (or write it to a file)."
        ),
    )
    parser.add_argument("-o", "--output", type=Path, help="write the document to this file")
    parser.set_defaults(handler=_openapi)
