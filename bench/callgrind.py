"""Running a benchmark script again under valgrind's callgrind and reading its instruction count.

Instruction counts repeat to a few hundredths of a percent on a busy machine where rates do not:
``bench/instructions.py`` (the core) and ``bench/order_instructions.py`` (the gateway's order
path) both re-run themselves with ``--inner`` under callgrind, instrumentation off at the start.
"""

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path


def count_instructions(
    script: str,
    inner_args: Sequence[str],
    *,
    valgrind_options: Sequence[str] = (),
    count_line: str = "totals",
) -> int:
    """Run ``script --inner *inner_args`` under callgrind; return the instructions it counted.

    ``count_line``: ``summary`` when collection is toggled by function (``--toggle-collect``);
    ``totals`` when instrumentation is switched on late with ``callgrind_control`` (the summary
    then stays 0). ``KEEP_CALLGRIND=FILE`` keeps the output for ``callgrind_annotate``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            "--instr-atstart=no",
            *valgrind_options,
            sys.executable,
            script,
            "--inner",
            *inner_args,
        ]
        # A fixed string hash seed: dict and set layouts, and so their probe counts, repeat.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        if done.returncode != 0:
            sys.exit(done.stderr[-3000:])
        counts = [
            int(match.group(1))
            for output in sorted(Path(tmp).glob("callgrind.out*"))
            if (match := re.search(rf"^{count_line}:\s+(\d+)", output.read_text(), re.MULTILINE))
        ]
        if not counts:
            sys.exit(f"no {count_line} line in the callgrind output")
        if os.environ.get("KEEP_CALLGRIND"):
            Path(os.environ["KEEP_CALLGRIND"]).write_bytes(out.read_bytes())
    return sum(counts)
