#!/usr/bin/env bash
# Mutation testing, run by hand like the benchmarks (never in CI): mutmut changes the code
# one small way at a time (< to <=, 90 to 91, a formula string, a dropped argument) and
# runs the tests that cover it; a mutant the tests do not notice "survives".
#
#   bash scripts/mutation.sh                      # every configured module (hours on 2 cores)
#   bash scripts/mutation.sh xlsales/funnel.py    # one module (or several, or a glob)
#   .venv/bin/mutmut results                      # the survivors; mutmut show NAME for a diff
#
# What is mutated is set in pyproject.toml [tool.mutmut]: the core (xlsales/), the one place
# Excel values are converted (udfs/_boundary.py) and the template builders (their formula
# strings, killed by the LibreOffice tests). Prints the score per module at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
[ -x .venv/bin/mutmut ] || .venv/bin/pip install -q "mutmut>=3.3"
modules=("$@")
if ((${#modules[@]} == 0)); then
  modules=(xlsales/*.py udfs/_boundary.py workbook_templates/*.py)
fi
only=$(printf '"%s",' "${modules[@]}")
# mutmut reads its settings from pyproject.toml: run it on a copy whose only_mutate is ours
cp pyproject.toml /tmp/xlsales-pyproject.bak
trap 'cp /tmp/xlsales-pyproject.bak pyproject.toml' EXIT
$py - "$only" <<'PY'
import re, sys
text = open("pyproject.toml").read()
text = re.sub(r"^only_mutate = .*$", f"only_mutate = [{sys.argv[1].rstrip(',')}]", text, flags=re.M)
open("pyproject.toml", "w").write(text)
PY
.venv/bin/mutmut run --max-children "${MUTMUT_CHILDREN:-2}" || true
.venv/bin/mutmut export-cicd-stats >/dev/null 2>&1 || true
$py scripts/mutation_score.py
