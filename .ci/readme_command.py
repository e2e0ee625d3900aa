"""Print one of the commands README.md gives under "## Two commands": `run` (the first shell
block) or `test` (the second). CI runs them from here, so they are tested exactly as written."""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
WHICH = {"run": 0, "test": 1}


def main() -> None:
    if len(sys.argv) != 2 or sys.argv[1] not in WHICH:
        sys.exit("usage: readme_command.py run|test")
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Two commands\n(.*?)(?=^## )", text, re.M | re.S)
    if section is None:
        sys.exit("README.md has no '## Two commands' section")
    blocks = re.findall(r"^```sh\n(.*?)^```", section.group(1), re.M | re.S)
    if len(blocks) != len(WHICH):
        sys.exit(f"README.md's '## Two commands' holds {len(blocks)} sh blocks, not 2")
    print(blocks[WHICH[sys.argv[1]]].strip())


if __name__ == "__main__":
    main()
