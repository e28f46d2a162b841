"""``make bench``: run every ``bench/*_bench.py`` module's ``run()`` and print its figures."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    # The figures, not the platform's own log lines (chalicelib/logs.py: INFO by default).
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    names = sorted(path.stem for path in (ROOT / "bench").glob("*_bench.py"))
    only = set(sys.argv[1:])
    print(f"{'benchmark':<64} figure")
    print("-" * 90)
    for name in names:
        if only and name not in only:
            continue
        module = importlib.import_module(f"bench.{name}")
        for label, figure in module.run():
            print(f"{label:<64} {figure}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
