#!/usr/bin/env bash
# Mutation testing, run by hand like the benchmarks (never in CI): mutmut changes the code
# one small way at a time (< to <=, 90 to 91, a formula string, a dropped argument) and
# runs the tests that cover it; a mutant the tests do not notice "survives".
#
#   bash scripts/mutation.sh xlsales/prospecting.py   # one module (about 5 to 30 min on 2 cores)
#   bash scripts/mutation.sh xlsales/a.py xlsales/b.py # several, one after the other
#   bash scripts/mutation.sh                          # every module in TESTS below (hours)
#   bash scripts/mutation.sh --survivors xlsales/prospecting.py
#                                      # only the last run's survivors again, with today's tests
#   bash scripts/mutation.sh --resume xlsales/pareto.py  # go on with a run that was stopped
#   bash scripts/mutation.sh --sample 200 xlsales/deals.py
#                                      # a seeded sample (SEED, 16 by default) of 200 of the
#                                      # module's mutants, with today's tests; the score is
#                                      # then over the sample (sample.txt in the run folder)
#   SEED=1126 TESTS_AT=main bash scripts/mutation.sh --sample 160 xlsales/deals.py
#                                      # a larger sample with the same seed holds the
#                                      # smaller one; TESTS_AT: the tests as at a commit
#   bash scripts/mutation.sh --functions left_out,prospects xlsales/prospecting.py
#                                      # every mutant of those functions only (a method:
#                                      # Class.method; a class alone: all its methods), e.g.
#                                      # those changed since the module's last full run; the
#                                      # score is then over them (functions.txt in the run
#                                      # folder), and --survivors keeps to them
# Each module runs in bench/results/mutation/MODULE/ (a copy of the project): score.txt
# there holds its score and survivors; cd there and run ../../../../.venv/bin/mutmut show
# NAME for a survivor's diff.
#
# One module at a time, each with only the fast, engine-free tests that exercise it (TESTS
# below; mutmut 3's pytest_add_cli_args_test_selection), at the lowest priority (nice 19), and
# mutmut then runs for each mutant only the selected tests that call the mutated function.
# The scores and the survivors judged equivalent are written up in docs/mutation.md.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
[ -x .venv/bin/mutmut ] || .venv/bin/pip install -q "mutmut>=3.8,<4"

# module -> the fast, engine-free tests that exercise it (never the module's own doctests:
# mutmut copies each docstring into every mutant, which would multiply them by hundreds)
declare -A TESTS=(
  [xlsales/prospecting.py]="tests/test_prospecting.py tests/test_prospecting_rules.py"
  [xlsales/accounts.py]="tests/test_accounts.py tests/test_accounts_rules.py"
  [xlsales/pipeline.py]="tests/test_pipeline.py tests/test_pipeline_rules.py"
  [xlsales/deals.py]="tests/test_deals.py tests/test_deals_rules.py tests/test_exports.py tests/test_pipeline.py tests/test_pipeline_rules.py"
  [xlsales/pareto.py]="tests/test_pareto.py tests/test_pareto_rules.py"
  [udfs/_boundary.py]="tests/test_boundary.py tests/test_boundary_rules.py"
  [xlsales/funnel.py]="tests/test_funnel.py tests/test_funnel_rules.py"
  [xlsales/_spline.py]="tests/test_spline.py tests/test_spline_rules.py tests/test_spline_reference.py tests/test_pareto.py"
  [xlsales/records.py]="tests/test_records_cells.py tests/test_records_rules.py tests/test_prospecting.py tests/test_accounts.py"
  [xlsales/tables.py]="tests/test_tables.py tests/test_tables_rules.py tests/test_read_paths.py"
  [xlsales/exports.py]="tests/test_exports.py tests/test_exports_rules.py"
  [xlsales/_validate.py]="tests/test_validate_rules.py tests/test_funnel.py tests/test_funnel_rules.py tests/test_pareto.py tests/test_deals.py tests/test_deals_rules.py"
)
ORDER=(xlsales/prospecting.py xlsales/accounts.py xlsales/pipeline.py xlsales/deals.py
  xlsales/pareto.py udfs/_boundary.py xlsales/funnel.py xlsales/_spline.py xlsales/records.py
  xlsales/tables.py xlsales/exports.py xlsales/_validate.py)

# TESTS_AT=REF (a commit, e.g. main): the run uses the tests as they are at REF, not the
# worktree's: a fresh sample is scored on the tests it was drawn against, before any test
# is written for its survivors
copy_tests() {
  if [[ -n "${TESTS_AT:-}" ]]; then
    mkdir -p "$1" && git archive "$TESTS_AT" tests | tar -x -C "$1"
  else
    cp -a tests "$1/"
  fi
}

again=0
sample=0
if [[ "${1:-}" == "--survivors" ]]; then again=1; shift; fi
if [[ "${1:-}" == "--resume" ]]; then again=2; shift; fi
if [[ "${1:-}" == "--sample" ]]; then again=3; sample=$2; shift 2; fi
if [[ "${1:-}" == "--functions" ]]; then again=4; functions=$2; shift 2; fi
modules=("$@")
((${#modules[@]})) || modules=("${ORDER[@]}")
here=$PWD

for module in "${modules[@]}"; do
  [[ -n "${TESTS[$module]:-}" ]] || { echo "no test selection for $module: add it to TESTS" >&2; exit 2; }
  read -r -a selection <<<"${TESTS[$module]}"
  for t in "${selection[@]}"; do [ -e "$t" ] || { echo "$t is missing" >&2; exit 2; }; done
  # each module runs in its own copy of the project (the worktree is never touched), and
  # keeps its mutants/ there: the tests found per function belong to one selection
  run="bench/results/mutation/${module//\//_}"
  if ((again == 3)) && [ ! -d "$run/mutants" ]; then
    fresh=1
  elif ((again == 4)) && ! cmp -s "$module" "$run/$module"; then
    fresh=1  # no run yet, or one of other code: its mutants would not be these
  elif ((again)); then
    fresh=0
    [ -d "$run/mutants" ] || { echo "no earlier run of $module in $run" >&2; exit 2; }
    rm -rf "$run/tests" && copy_tests "$run"  # today's tests, the same code
  else
    fresh=1
  fi
  if ((fresh)); then
    rm -rf "$run" && mkdir -p "$run"
    cp -a xlsales udfs workbook_templates frontdoors "$run/" && copy_tests "$run"
    # mutmut reads ./pyproject.toml: mutate this module, run these tests (not the CLI
    # tests: each starts a process, and runs the unmutated code)
    $py - "$module" "${selection[@]}" -k "not cli" >"$run/pyproject.toml" <<'PY'
import json, re, sys
module, args = sys.argv[1], sys.argv[2:]
text = open("pyproject.toml").read()
text = re.sub(r"^only_mutate = .*$", f"only_mutate = {json.dumps([module])}", text, flags=re.M)
# timeout_constant: on a loaded machine mutmut's own allowance (15 x the clean run + 1 s)
# stops equivalent mutants as "timeout", which would count as caught
text = text.replace("[tool.mutmut]\n",
                    f"[tool.mutmut]\npytest_add_cli_args_test_selection = {json.dumps(args)}\n"
                    "timeout_constant = 60.0\n")
print(text, end="")
PY
  fi
  # a module-scoped fixture calls the module's functions once, inside the first test that
  # uses it: mutmut would then run only that test on a mutant of them. In the copy, every
  # fixture of the selected tests is function-scoped, and the test statistics are made
  # afresh (mutmut only adds new tests to them)
  for t in "${selection[@]}"; do
    sed -i -E 's/@pytest\.fixture\(scope="module"\)/@pytest.fixture/' "$run/$t"
  done
  rm -f "$run/mutants/mutmut-stats.json"
  cd "$run"
  names=()
  if ((again == 3)); then
    # the mutants exist once mutmut has generated them: a filter that matches nothing
    # generates them (and the test statistics) and stops
    [ -d mutants ] || nice -n 19 "$here/.venv/bin/mutmut" run "generate-only" >mutmut.log 2>&1 || true
    # a seeded sample of every mutant; those not yet caught (killed and timeout stay
    # caught: tests are only ever added) run with today's tests
    "$here/.venv/bin/mutmut" results --all true >results.txt
    "$here/$py" - "$sample" "${SEED:-16}" <<'PY'
import random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
names = sorted(line.strip().rsplit(": ", 1)[0] for line in open("results.txt") if ": " in line)
# random.sample's own draw for a small sample (one index at a time, a repeat drawn again),
# kept for every size: a larger sample with the same seed holds the smaller one
rng, picked = random.Random(seed), {}
while len(picked) < min(n, len(names)):
    picked.setdefault(rng.randrange(len(names)), None)
chosen = sorted(names[j] for j in picked)
open("sample.txt", "w").write("\n".join(chosen) + "\n")
PY
    mapfile -t names < <(grep -v -E ": (killed|timeout)$" results.txt | sed -E "s/^ *(.*): .*$/\\1/" | grep -x -F -f sample.txt)
    ((${#names[@]})) || echo "$module: every mutant of the sample is caught"
  fi
  if ((again == 4)); then
    # every mutant of the named functions: mutmut names them MODULE.x_NAME__mutmut_N, a
    # method MODULE.xǁClassǁNAME__mutmut_N
    [ -d mutants ] || nice -n 19 "$here/.venv/bin/mutmut" run "generate-only" >mutmut.log 2>&1 || true
    "$here/.venv/bin/mutmut" results --all true >results.txt
    "$here/$py" - "$module" "$functions" <<'PY'
import re, sys
module, functions = sys.argv[1], sys.argv[2].split(",")
dotted = module.removesuffix(".py").replace("/", ".")
names = [line.strip().rsplit(": ", 1)[0] for line in open("results.txt") if ": " in line]
chosen = []
for f in functions:
    cls, _, meth = f.rpartition(".")
    if cls:
        pattern = rf"xǁ{re.escape(cls)}ǁ{re.escape(meth)}"
    elif f[:1].isupper():
        pattern = rf"xǁ{re.escape(f)}ǁ\w+"
    else:
        pattern = rf"x_{re.escape(f)}"
    mine = [n for n in names if re.fullmatch(rf"{re.escape(dotted)}\.{pattern}__mutmut_\d+", n)]
    if not mine:
        sys.exit(f"{module}: no mutants of {f} (mutmut makes none, or no such function)")
    print(f"{f}: {len(mine)} mutants")
    chosen += mine
open("functions.txt", "w").write("\n".join(sorted(chosen)) + "\n")
PY
    mapfile -t names < <(grep -v -E ": (killed|timeout)$" results.txt | sed -E "s/^ *(.*): .*$/\\1/" | grep -x -F -f functions.txt)
    ((${#names[@]})) || echo "$module: every mutant of $functions is caught"
  fi
  if ((again == 1)); then  # the last run's survivors again (of the sample or functions, if any)
    mapfile -t names < <("$here/.venv/bin/mutmut" results | sed -n -E "s/^ *(.*): (survived|no tests)$/\\1/p")
    for only in sample.txt functions.txt; do
      if [ -f "$only" ]; then
        mapfile -t names < <(printf '%s\n' "${names[@]}" | grep -x -F -f "$only")
      fi
    done
    ((${#names[@]})) || echo "$module: no survivors"
  fi
  echo "== $module with ${selection[*]}"
  if ((again == 0 || again == 2 || ${#names[@]})); then
    nice -n 19 "$here/.venv/bin/mutmut" run --max-children "${MUTMUT_CHILDREN:-2}" "${names[@]}" \
      >mutmut.log 2>&1 || true
  fi
  nice -n 19 "$here/$py" "$here/scripts/mutation_score.py" | tee score.txt
  cd "$here"
done
