"""Write the built-in synthetic CRM export to a CSV file (seeded: the same file every time).

    python scripts/make_sample_crm.py [OUT.csv] [DEALS]

See :func:`xlsales.samples.sample_crm` for what is in it (skipped stages, lost, open
and reopened deals, duplicate rows, a few dates that run backwards).
"""

from __future__ import annotations

import sys

from xlsales.samples import sample_crm

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "sample_crm.csv"
    deals = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    sample_crm(deals).to_csv(out, index=False)
    print(f"wrote {out}")
