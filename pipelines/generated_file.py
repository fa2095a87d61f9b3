"""The command line of a file generated from the code (data dictionary, legacy views): write, or --check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(module: str, description: str, path: Path, text: str, argv: list[str] | None = None) -> int:
    """Rewrite `path` with `text` when it differs; with --check, exit 1 instead of writing."""
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=description)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date, without writing")
    args = parser.parse_args(argv)
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if args.check:
        if current != text:
            print(f"{path} is out of date: run `python -m {module}`", file=sys.stderr)
            return 1
        return 0
    if current != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0
