"""Copy the lock's pins into environment.yml's pip section, so conda and Binder install the same versions.

Usage: python tools/environment_yml.py [LOCK]   (default: requirements.lock; `make lock` runs it)

Only the `name==version` lines of the pip section are replaced; everything else in the file
(channels, the Python version, `-e .[test]`) is kept as it is.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN_INDENT = "      - "


def locked_requirements(lock):
    """Return the lock's requirement lines (`name==version` and any marker), in the lock's order."""
    return [line.strip() for line in Path(lock).read_text().splitlines() if re.match(r"[A-Za-z0-9]", line)]


def with_pins(environment, pins):
    """Return environment.yml's text with the pip section's pins replaced by `pins`."""
    out, in_pip, written = [], False, False
    for line in environment.splitlines():
        if re.match(r"^\s+- pip:\s*$", line):
            in_pip = True
        elif in_pip and line.startswith(PIN_INDENT):
            if not re.match(r"[A-Za-z0-9]", line[len(PIN_INDENT) :]):  # an option: -e ., -r, -c
                if not written:
                    out += [PIN_INDENT + pin for pin in pins]
                    written = True
                out.append(line)
            continue
        elif in_pip and line.strip():
            in_pip = False
        out.append(line)
    if not written:
        raise SystemExit("environment.yml has no pip section ending in an option such as `-e .[test]`")
    return "\n".join(out) + "\n"


def main(lock=ROOT / "requirements.lock"):
    path = ROOT / "environment.yml"
    path.write_text(with_pins(path.read_text(), locked_requirements(lock)))


if __name__ == "__main__":
    main(*sys.argv[1:])
