"""Mutation score per module from ``mutmut results --all true`` (scripts/mutation.sh).

killed and timeout count as caught (the tests failed or hung); survived and "no tests" (no
selected test calls the function) as missed; "not checked" (the run was stopped first) is
listed apart, never as caught.
"""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

mutmut = Path(sys.executable).with_name("mutmut")
out = subprocess.run(
    [str(mutmut), "results", "--all", "true"], capture_output=True, text=True, check=True
).stdout
# a sampled run (mutation.sh --sample) is scored over its sample only
sample = set(Path("sample.txt").read_text().split()) if Path("sample.txt").exists() else None
if sample is not None:
    out = "\n".join(line for line in out.splitlines() if line.strip().rsplit(": ", 1)[0] in sample)
    print(f"scored over a seeded sample of {len(sample)} mutants (sample.txt)")
# a run of some functions (mutation.sh --functions) is scored over their mutants, all of them
if Path("functions.txt").exists():
    only = set(Path("functions.txt").read_text().split())
    out = "\n".join(line for line in out.splitlines() if line.strip().rsplit(": ", 1)[0] in only)
    print(f"scored over every mutant of the functions run: {len(only)} (functions.txt)")
tally: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
for line in out.splitlines():
    if ": " not in line:
        continue
    name, status = line.strip().rsplit(": ", 1)
    module = name.split(".x_")[0].split(".xǁ")[0]
    tally[module][status] += 1
print(
    f"{'module':<24} {'caught':>7} {'survived':>9} {'no tests':>9} {'score':>7} {'unchecked':>10}"
)
for module, c in sorted(tally.items()):
    caught = c["killed"] + c["timeout"]
    checked = caught + c["survived"] + c["no tests"]
    score = f"{caught / checked:.1%}" if checked else "-"
    print(
        f"{module:<24} {caught:>7} {c['survived']:>9} {c['no tests']:>9} {score:>7} "
        f"{c['not checked']:>10}"
    )
survivors = [
    line.strip().rsplit(": ", 1)[0]
    for line in out.splitlines()
    if line.endswith((": survived", ": no tests"))
]
if survivors:
    print("survived (mutmut show NAME):")
    print("\n".join(f"  {name}" for name in survivors))
# equivalent.txt (one mutant name a line, judged by hand, the reasons in docs/mutation.md):
# the score over the non-equivalent mutants, with its 95 % Wilson interval when sampled
if Path("equivalent.txt").exists():
    equivalent = set(Path("equivalent.txt").read_text().split())
    checked = [
        (name, status)
        for name, status in (
            line.strip().rsplit(": ", 1) for line in out.splitlines() if ": " in line
        )
        if status != "not checked" and name not in equivalent
    ]
    killed = sum(status in ("killed", "timeout") for _, status in checked)
    line = f"killed / non-equivalent: {killed} / {len(checked)}"
    if checked:
        line += f" = {killed / len(checked):.1%}"
        if sample is not None:
            from scipy.stats import binomtest

            ci = binomtest(killed, len(checked)).proportion_ci(0.95, method="wilson")
            line += (
                f" (95 % Wilson interval {ci.low:.1%} to {ci.high:.1%}: an estimate only "
                "while no test was written against this sample)"
            )
    odd = sum(status == "suspicious" for _, status in checked)
    if odd:  # mutmut's own word: the run ended oddly (a hang stopped by hand, a crash)
        line += f"; {odd} of them suspicious (not counted as killed: see mutmut.log)"
    print(line)
