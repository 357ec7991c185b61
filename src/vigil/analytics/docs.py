"""Write docs/kpis.md from the catalogue: `python -m vigil.analytics.docs [PATH]`."""

import sys
from pathlib import Path

from vigil.analytics.catalogue import markdown

if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/kpis.md")
    target.write_text(markdown(), encoding="utf-8")
    print(f"wrote {target}")
