"""Mutation testing of the formula strings in workbook_templates/ (issue 16), by hand.

mutmut cannot judge a formula string: a changed string is only caught when LibreOffice
recalculates the workbook. So this script makes its own mutants, one at a time, in the
formula text of one builder, and runs only that template's LibreOffice tests:

    .venv/bin/python scripts/mutation_formulas.py account_matrix           # a sample
    .venv/bin/python scripts/mutation_formulas.py --sample 0 funnel_planner # every mutant
    .venv/bin/python scripts/mutation_formulas.py --list prospecting_log    # sites only

Formula text: a string literal of the builder that starts with "=" (with the literals
implicitly joined to it, for formulas written over several lines), and the A1 ranges
given to defined names ("$A${first}:$A${last}"). Mutations, as issue 16 lists them:

* a comparison flipped: ``<`` <-> ``<=``, ``>`` <-> ``>=``;
* ``+`` <-> ``-`` (arithmetic, not inside the formula's own "text");
* a constant one lower, 0 one higher (``30`` -> ``29``, ``0`` -> ``1``; a decimal one up in
  its last digit: ``0.35`` -> ``0.36``);
* the end of a range one row short (``:$A${last}`` -> ``:$A${last - 1}``).

Each mutant runs in a copy of the project under bench/results/mutation/formulas/ (the
worktree is never touched), at nice 19, with the template's engine tests (ENGINE_TESTS)
and ``-x``: killed when a test fails, survived when all pass. The sample is seeded
(``--seed``, 16 by default) so a run can be repeated; ``--sample 0`` runs every mutant.
``TESTS_AT=REF`` in the environment runs the tests as they are at commit REF (a fresh
sample scored before any test is written for its survivors).
Results go to bench/results/mutation/formulas/TEMPLATE-N-seedS.json (or ``--name``) and
are printed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "bench" / "results" / "mutation" / "formulas"

# template -> its LibreOffice tests (pytest arguments)
ENGINE_TESTS = {
    "account_matrix": [
        "tests/test_templates_engine.py",
        "tests/test_account_matrix_engine_rules.py",
        "-k",
        "account_matrix or (master_check and am_) or demo_accounts or order_check "
        "or team_of_four or no_error",
    ],
    "funnel_planner": [
        "tests/test_templates_engine.py",
        "tests/test_named_ranges_engine.py",
        "tests/test_funnel_planner_engine_rules.py",
        "-k",
        "funnel_planner or (master_check and fp_) or no_error or StageNames or stage_names "
        "or named",
    ],
    "prospecting_log": [
        "tests/test_templates_engine.py",
        "tests/test_prospecting_log_engine_rules.py",
        "-k",
        "prospecting_log or (master_check and pl_) or no_error or block_0 or before_the_first",
    ],
    "pipeline_review": [
        "tests/test_pipeline_review.py",
        "tests/test_pipeline_review_engine_rules.py",
        "-m",
        "engine",
    ],
}

# template -> the prefix of its workbooks in tests/test_templates_engine.py's `books`
# fixture: in a run's copy the fixture recalculates only those (one LibreOffice run of
# every template's workbooks, the 1,000-account matrix among them, was most of each
# mutant's time), and the -k above keeps only that template's master checks
BOOKS = {"account_matrix": "am_", "funnel_planner": "fp_", "prospecting_log": "pl_"}
ENGINE_FIXTURE = "    return recalculate(workbooks, folder)\n"

# a constant not part of a cell reference or a name (A1, $B$5, Table1, x2)
NUMBER = re.compile(r"(?<![A-Za-z_$\d.{])(\d+(?:\.\d+)?)(?![\d.}A-Za-z_(])")
RANGE_END = re.compile(r":(\$?[A-Z]{1,3}\$?)\{([^{}]+)\}")
COMPARE = re.compile(r"<=|>=|<>|<|>")
PLUS_MINUS = re.compile(r"(?<=[\w\)\]}])\s*([+-])\s*(?=[\w\(\[${N])")


def formula_strings(source: str) -> list[tuple[int, int, str]]:
    """(start offset, end offset, literal text) of the formula string literals."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    out = []
    joined = False  # the previous STRING token was formula text (implicit joining)
    toks = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for tok in toks:
        if tok.type in (tokenize.NL, tokenize.COMMENT, tokenize.NEWLINE):
            continue
        if tok.type != tokenize.STRING:
            joined = False
            continue
        m = re.match(r"(?is)([rbfu]*)('''|\"\"\"|'|\")", tok.string)
        body = tok.string[m.end() : len(tok.string) - len(m.group(2))]
        if body.startswith("=") or joined or RANGE_END.search(body):
            a = starts[tok.start[0] - 1] + tok.start[1] + m.end()
            out.append((a, a + len(body), body))
            joined = body.startswith("=") or joined
        else:
            joined = False
    return out


def _outside_text(body: str, pos: int) -> bool:
    """Whether ``pos`` is formula text: outside the formula's own "quoted text" (best
    effort within one literal) and outside an f-string's ``{python expression}``."""
    before = body[:pos]
    in_braces = (
        before.count("{") - before.count("{{") * 2 > before.count("}") - before.count("}}") * 2
    )
    return before.count('"') % 2 == 0 and not in_braces


def mutants(source: str) -> list[dict]:
    """Every mutant of the formula text: offset, old and new text, a description."""
    found = []
    for a, _b, body in formula_strings(source):
        line = source.count("\n", 0, a) + 1

        def add(pos: int, old: str, new: str, kind: str, a=a, line=line, body=body) -> None:
            found.append(
                {"at": a + pos, "old": old, "new": new, "kind": kind, "line": line, "text": body}
            )

        for m in COMPARE.finditer(body):
            op = m.group()
            if op == "<>" or not _outside_text(body, m.start()):
                continue
            flip = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}[op]
            add(m.start(), op, flip, f"{op} -> {flip}")
        for m in PLUS_MINUS.finditer(body):
            if _outside_text(body, m.start(1)) and not body.startswith("{", m.end(1)):
                op = m.group(1)
                add(m.start(1), op, "-" if op == "+" else "+", f"{op} -> {'-+'[op == '-']}")
        for m in NUMBER.finditer(body):
            if not _outside_text(body, m.start()):
                continue
            text = m.group(1)
            if "." in text:
                places = len(text.split(".")[1])
                new = f"{float(text) + 10**-places:.{places}f}"
            else:
                new = str(int(text) + 1) if int(text) == 0 else str(int(text) - 1)
            add(m.start(1), text, new, f"constant {text} -> {new}")
        for m in RANGE_END.finditer(body):
            expr = m.group(2)
            pos = m.start(2) - 1
            add(pos, "{" + expr + "}", "{" + expr + " - 1}", f"range end {expr} one row short")
    return sorted(found, key=lambda x: x["at"])


def apply(source: str, mutant: dict) -> str:
    at = mutant["at"]
    assert source[at : at + len(mutant["old"])] == mutant["old"]
    return source[:at] + mutant["new"] + source[at + len(mutant["old"]) :]


def prepare(tag: str, template: str) -> Path:
    """A copy of the project for one run (``tag``: two runs at once never share one),
    its engine fixture cut to the template's own workbooks."""
    project = RUN / f"project-{tag}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    for name in ("xlsales", "udfs", "workbook_templates", "frontdoors", "tests"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    if os.environ.get("TESTS_AT"):  # the tests as at a commit (a fresh sample: before its tests)
        shutil.rmtree(project / "tests")
        archive = subprocess.run(
            ["git", "archive", os.environ["TESTS_AT"], "tests"],
            cwd=ROOT, capture_output=True, check=True,
        ).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(project)], input=archive, check=True)
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    if template in BOOKS:
        engine = project / "tests" / "test_templates_engine.py"
        text = engine.read_text()
        assert text.count(ENGINE_FIXTURE) == 1, "the books fixture changed: update BOOKS"
        keep = f"    workbooks = {{k: v for k, v in workbooks.items() if k.startswith({BOOKS[template]!r})}}\n"
        engine.write_text(text.replace(ENGINE_FIXTURE, keep + ENGINE_FIXTURE))
    return project


def run_tests(project: Path, tests: list[str], timeout: float) -> tuple[str, float, str]:
    env = dict(os.environ, PYTHONPATH=str(project), PYTHONDONTWRITEBYTECODE="1")
    cmd = [
        "nice",
        "-n",
        "19",
        str(ROOT / ".venv" / "bin" / "python"),
        "-m",
        "pytest",
        "-q",
        "-x",
        "-p",
        "no:cacheprovider",
        "--no-header",
        *tests,
    ]
    t0 = time.monotonic()
    try:
        done = subprocess.run(
            cmd, cwd=project, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - t0, ""
    tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-200:]
    status = {0: "survived", 1: "killed"}.get(done.returncode, f"error {done.returncode}")
    return status, time.monotonic() - t0, tail


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("template", choices=sorted(ENGINE_TESTS))
    p.add_argument("--sample", type=int, default=40, help="mutants to run; 0 = all")
    p.add_argument("--seed", type=int, default=16)
    p.add_argument("--list", action="store_true", help="print the mutants only")
    p.add_argument(
        "--at",
        help="run only these mutants: their offsets (the 'at' of --list or a result), comma-separated",
    )
    p.add_argument("--timeout", type=float, default=900.0)
    p.add_argument(
        "--draw-order",
        action="store_true",
        help="run the sample in the order drawn (not by offset); the result file is "
        "rewritten after each mutant, so a stopped run keeps a random sample, its first k",
    )
    p.add_argument(
        "--new",
        action="store_true",
        help="leave out the mutants of the sample that an earlier run (a TEMPLATE*.json "
        "here) already judged: a larger sample with the same seed holds the smaller one",
    )
    p.add_argument(
        "--tests",
        nargs="+",
        help="run these pytest arguments instead of the template's engine tests (to check "
        "that a new test kills a survivor, without the long fixtures of the others)",
    )
    p.add_argument(
        "--name",
        help="the run's name (its result file NAME.json and its project copy) instead of "
        "TEMPLATE-N-seedS or TEMPLATE-at: an --at check never overwrites an earlier result",
    )
    args = p.parse_args()

    path = ROOT / "workbook_templates" / f"{args.template}.py"
    source = path.read_text()
    every = mutants(source)
    chosen = every
    if args.sample and args.sample < len(every):
        # one index at a time (as random.sample does for a small sample of a large
        # list): a larger sample with the same seed holds the smaller one
        rng, picked = random.Random(args.seed), {}
        while len(picked) < args.sample:
            picked.setdefault(rng.randrange(len(every)), None)
        # --draw-order: run them as drawn, so that a run stopped early has run a random
        # sample (its first k), not the k lowest offsets of the builder
        chosen = [every[j] for j in (picked if args.draw_order else sorted(picked))]
    if args.new:  # leave out the mutants an earlier run of this template already judged
        done = set()
        for earlier in RUN.glob(f"{args.template}*.json"):
            done |= {(r["at"], r["new"]) for r in json.loads(earlier.read_text())["results"]}
        chosen = [m for m in chosen if (m["at"], m["new"]) not in done]
    if args.at:
        wanted = {int(a) for a in args.at.split(",")}
        chosen = [m for m in every if m["at"] in wanted]
    if args.list:
        for m in every:
            print(f"at {m['at']} line {m['line']}: {m['kind']}")
        print(f"{len(every)} mutants in the formula text of {path.name}")
        return 0
    tests = args.tests or ENGINE_TESTS[args.template]
    name = args.name or args.template + (
        "-at" if args.at else f"-{len(chosen)}-seed{args.seed}" + ("-new" if args.new else "")
    )
    project = prepare(name, args.template)
    target = project / "workbook_templates" / path.name
    status, secs, tail = run_tests(project, tests, args.timeout)
    if status != "survived":
        print(f"the unmutated tests do not pass ({status}): {tail}", file=sys.stderr)
        return 2
    print(
        f"{args.template}: {len(chosen)} of {len(every)} mutants (seed {args.seed}); "
        f"unmutated tests {secs:.0f} s",
        flush=True,
    )
    results = []
    for i, m in enumerate(chosen, 1):
        target.write_text(apply(source, m))
        status, secs, tail = run_tests(project, tests, args.timeout)
        results.append({**m, "status": status, "seconds": round(secs, 1), "tests": tail})
        print(
            f"{i:3}/{len(chosen)} line {m['line']:4} {m['kind']:<34} {status:<9} {secs:5.0f} s",
            flush=True,
        )
        if args.draw_order:  # the first i drawn, kept should the run be stopped
            RUN.mkdir(parents=True, exist_ok=True)
            partial = {"template": args.template, "seed": args.seed, "results": results}
            (RUN / f"{name}.partial.json").write_text(json.dumps(partial, indent=1))
    target.write_text(source)
    killed = sum(r["status"] in ("killed", "timeout") for r in results)
    summary = {
        "template": args.template,
        "mutants": len(every),
        "sampled": len(chosen),
        "seed": args.seed,
        "tests_run": tests,
        "killed": killed,
        "survived": len(results) - killed,
        "results": results,
    }
    RUN.mkdir(parents=True, exist_ok=True)
    (RUN / f"{name}.json").write_text(json.dumps(summary, indent=1))
    print(
        f"{args.template}: {killed} / {len(results)} killed "
        f"({killed / max(len(results), 1):.0%}) of a seeded sample of {len(every)} mutants"
    )
    for r in results:
        if r["status"] not in ("killed", "timeout"):
            print(f"  survived: line {r['line']}: {r['kind']} in {r['text'][:90]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
