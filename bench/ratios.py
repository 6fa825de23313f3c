"""Every ratio of issue 15, each path against the floor it cannot beat (run by hand).

    python bench/ratios.py                      # everything but the 200k-account build
    python bench/ratios.py --only abc http      # some sections
    python bench/ratios.py --big                # also 200k accounts (several minutes)

Both sides of each ratio are measured in the same run, best of ``--repeat`` (3). Wall
time is what a user waits for; CPU time is shown beside it (user + system, of the
process or of LibreOffice), because on a shared machine other processes can stretch
wall time on one side only. Processes are timed from start to exit and their peak
memory is the kernel's maximum resident set size of the command (GNU ``time``'s %M;
``wait4`` without it). The code measured is the checkout this file sits in (run a copy
of this file from another checkout to measure that one). Generated input files are
kept in ``--data`` (default: a temporary folder) so a second run can reuse them.
Processes run from bytecode kept there too, as an installed package does (see
:func:`keep_bytecode`; ``--compile-each-run`` measures the compiling as well).

Sections (the issue's table):
  computed   computed_abc(1M lognormal values)  vs  np.sort of the same values
  abc        abc_classes(1M)                    vs  np.sort
  matrix     xlsales template account-matrix, 10k accounts, build + save (a process)
             vs  openpyxl write_only writing the same cells, constants and formula text (a process)
  recalc     that workbook recalculated by LibreOffice headless
             vs  a constants-only file with the same cells; and 50k / 10k recalculation time;
             also the workbook itself with values in place of formulas vs that floor
             (CPU: LibreOffice's own, all its processes)
  http       ABC_CLASS on 100k cells over HTTP (xlsales serve, loopback, one kept connection)
             vs  JSON encode + decode of the request and the response + the bare core call
  analyze    xlsales analyze on a 1M-row history (a process: time and peak memory)
             vs  a process running pandas.read_csv on the same file
  big        200k accounts to a template: time and peak memory vs write_only (with --big)
"""

from __future__ import annotations

import argparse
import gc
import html
import json
import os
import pickle
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

SECTIONS = ("computed", "abc", "matrix", "recalc", "http", "analyze", "big")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def best(func, repeat):
    """Best wall and best CPU seconds of ``repeat`` runs (after one warm-up)."""
    return pair(func, None, repeat)[0]


def pair(mine, floor, repeat):
    """Best (wall, CPU) seconds of each side, their runs alternating so that both see
    the same load on a shared machine; one warm-up each. Python's cycle collector is
    frozen first, so neither side pays for walking the objects the benchmark holds."""
    gc.collect()
    gc.freeze()
    sides = [f for f in (mine, floor) if f is not None]
    for func in sides:
        func()
    times = [[] for _ in sides]
    for _ in range(repeat):
        for func, got in zip(sides, times):
            w, c = time.perf_counter(), time.process_time()
            func()
            got.append((time.perf_counter() - w, time.process_time() - c))
    return [(min(w for w, _ in t), min(c for _, c in t)) for t in times]


# GNU time reports the peak RSS of the command itself. Without it, wait4's figure is
# used, and that one is at least this script's own size: Python starts a command with
# vfork, and Linux counts the memory of the image the command replaced into its peak.
GNU_TIME = shutil.which("time")


def process(args, repeat):
    """Best wall seconds, the largest peak RSS (MiB) and the best CPU seconds (user +
    system) of a command run ``repeat`` times."""
    walls, peaks, cpus = [], [], []
    with tempfile.NamedTemporaryFile(suffix=".time") as report:
        timed = [GNU_TIME, "-o", report.name, "-f", "%M %U %S", *args] if GNU_TIME else args
        for _ in range(repeat):
            start = time.perf_counter()
            proc = subprocess.Popen(
                timed, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            _, status, usage = os.wait4(proc.pid, 0)
            walls.append(time.perf_counter() - start)
            error = proc.stderr.read().decode()
            proc.stderr.close()
            if status != 0:
                raise SystemExit(f"{' '.join(map(str, args))} failed: {error}")
            kib, user, system = (
                map(float, Path(report.name).read_text().split()[-3:])
                if GNU_TIME
                else (usage.ru_maxrss, usage.ru_utime, usage.ru_stime)
            )
            peaks.append(kib / 1024)
            cpus.append(user + system)
    return min(walls), max(peaks), min(cpus)


def processes(mine, floor, repeat):
    """:func:`process` for two commands, their runs alternating, after one warm-up run
    each (which also writes the bytecode, see :func:`keep_bytecode`)."""
    for args in (mine, floor):
        process(args, 1)
    runs = [[], []]
    for _ in range(repeat):
        for args, got in zip((mine, floor), runs):
            got.append(process(args, 1))
    return [tuple(f(x[i] for x in r) for i, f in enumerate((min, max, min))) for r in runs]


def keep_bytecode(data: Path) -> None:
    """Let the measured processes run from bytecode, as an installed package does.

    Python compiles a module from its source whenever no bytecode of it is kept. pip
    writes the bytecode of what it installs (pandas' too), but with
    ``PYTHONDONTWRITEBYTECODE`` set, as on the shared machine, every run of a checkout
    would compile xlsales again and be timed doing it. The processes keep their
    bytecode in ``data/pycache`` instead (the checkout stays clean; the floors' pandas
    is read from there too), written by the warm-up run of :func:`processes`.
    """
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    ENV["PYTHONPYCACHEPREFIX"] = str(data / "pycache")


def recalculated(path: Path, out: Path):
    """Wall and CPU seconds (LibreOffice's, all its processes) of one recalculation."""
    from workbook_templates import engine

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    engine.convert([path], out)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def row(name, floor_name, mine, floor, unit="s", required=None, cpu=None):
    ratio = mine / floor
    extra = f"   cpu {cpu[0]:.3f} / {cpu[1]:.3f} = {cpu[0] / cpu[1]:.2f}x" if cpu else ""
    need = f"   (required <= {required}x)" if required else ""
    print(
        f"{name:<44} {mine:>9.3f} {unit}  vs {floor_name:<34} {floor:>9.3f} {unit}"
        f"  = {ratio:5.2f}x{need}{extra}",
        flush=True,
    )


def section_abc(which, repeat):
    import numpy as np

    from xlsales import pareto

    x = np.random.default_rng(2026).lognormal(10, 1.5, 1_000_000)
    func = pareto.computed_abc if which == "computed" else pareto.abc_classes
    mine, sort = pair(lambda: func(x), lambda: np.sort(x), repeat)
    label = f"{func.__name__}, 1M values"
    row(
        label,
        "np.sort",
        mine[0],
        sort[0],
        required=5 if which == "computed" else 2.5,
        cpu=(mine[1], sort[1]),
    )


def accounts_csv(data: Path, count: int) -> Path:
    path = data / f"accounts-{count}.csv"
    if not path.exists():
        from xlsales.samples import sample_accounts

        sample_accounts(count, seed=count).drop(columns="source_row").to_csv(path, index=False)
    return path


def matrix_command(data: Path, count: int, out: Path) -> list:
    return [
        sys.executable,
        "-m",
        "frontdoors.cli",
        "template",
        "account-matrix",
        "--accounts",
        accounts_csv(data, count),
        "--out",
        out,
        "--force",
    ]


WRITE_ONLY = """
import pickle, sys
from openpyxl import Workbook
with open(sys.argv[1], "rb") as f:
    sheets = pickle.load(f)
wb = Workbook(write_only=True)
for title, rows in sheets:
    ws = wb.create_sheet(title)
    for r in rows:
        ws.append(r)
wb.save(sys.argv[2])
"""


def cells_of(path: Path, target: Path, values_from: Path | None = None) -> int:
    """Pickle every sheet's cells (formula text, or the values of ``values_from``)."""
    from openpyxl import load_workbook

    wb = load_workbook(values_from or path, read_only=True, data_only=values_from is not None)
    sheets = [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb]
    wb.close()
    with open(target, "wb") as f:
        pickle.dump(sheets, f)
    return sum(len(r) for _, rows in sheets for r in rows)


FORMULA_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"((?: s="\d+")?)><f>[^<]*</f><v ?/></c>')


def values_in_place(built: Path, values: Path, out: Path) -> None:
    """``built`` with each formula cell holding its value (``values``: :func:`cells_of`
    of the recalculated copy) instead: the same styles, tables, validations, names and
    charts, no formula. A check on the constants-only floor, which has none of them."""
    from xml.sax.saxutils import escape

    from openpyxl.utils import column_index_from_string

    with open(values, "rb") as f:
        sheets = dict(pickle.load(f))

    def cell(m: re.Match, rows: list) -> str:
        head = f'<c r="{m.group(1)}{m.group(2)}"{m.group(3)}'
        row = rows[int(m.group(2)) - 1]
        c = column_index_from_string(m.group(1)) - 1
        value = row[c] if c < len(row) else None
        if value is None:
            return head + " />"
        if isinstance(value, bool):
            return f'{head} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float)):
            return f'{head} t="n"><v>{value!r}</v></c>'
        text = escape(str(value))
        return f'{head} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'

    with zipfile.ZipFile(built) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        book = src.read("xl/workbook.xml").decode()
        titles = [html.unescape(t) for t in re.findall(r'<sheet name="([^"]*)"', book)]
        for info in src.infolist():
            data = src.read(info)
            m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            if m:
                rows = sheets[titles[int(m.group(1)) - 1]]
                data = FORMULA_CELL.sub(lambda f: cell(f, rows), data.decode()).encode()
            dst.writestr(info, data)


def write_only_command(data: Path, cells: Path, out: Path) -> list:
    script = data / "write_only.py"
    script.write_text(WRITE_ONLY)
    return [sys.executable, script, cells, out]


def template_against_write_only(data: Path, count: int, repeat: int):
    """(build + save, peak, CPU), (write_only of the same cells, peak, CPU), cell count."""
    built = data / f"matrix-{count}.xlsx"
    mine = matrix_command(data, count, built)
    process(mine, 1)  # the file whose cells the floor writes
    cells = data / f"matrix-{count}.cells.pickle"
    count_cells = cells_of(built, cells)
    floor = write_only_command(data, cells, data / f"floor-{count}.xlsx")
    return *processes(mine, floor, repeat), count_cells


def section_matrix(data, repeat):
    (mine, _, mine_cpu), (floor, _, floor_cpu), cells = template_against_write_only(
        data, 10_000, repeat
    )
    row(
        f"account matrix 10k build+save ({cells:,} cells)",
        "openpyxl write_only, same cells",
        mine,
        floor,
        required=1.2,
        cpu=(mine_cpu, floor_cpu),
    )


def section_recalc(data, repeat):
    from workbook_templates import engine

    files = {}
    for count in (10_000, 50_000):
        files[count] = data / f"matrix-{count}.xlsx"
        process(matrix_command(data, count, files[count]), 1)
    engine.convert([files[10_000]], data / "calc")
    cells = data / "matrix-10000.values.pickle"
    cells_of(files[10_000], cells, values_from=data / "calc" / files[10_000].name)
    constants = data / "constants-10000.xlsx"
    process(write_only_command(data, cells, constants), 1)
    in_place = data / "values-in-place-10000.xlsx"
    values_in_place(files[10_000], cells, in_place)
    sides = {
        "10k": files[10_000],
        "50k": files[50_000],
        "constants": constants,
        "in place": in_place,
    }
    runs: dict[str, list] = {name: [] for name in sides}
    for _ in range(repeat):  # alternating, so that all three see the same load
        for name, path in sides.items():
            runs[name].append(recalculated(path, data / "calc"))
    wall = {name: min(w for w, _ in got) for name, got in runs.items()}
    cpu = {name: min(c for _, c in got) for name, got in runs.items()}
    row(
        "LibreOffice recalc, account matrix 10k",
        "LibreOffice, constants-only file",
        wall["10k"],
        wall["constants"],
        required=1.4,
        cpu=(cpu["10k"], cpu["constants"]),
    )
    row(
        "LibreOffice, the workbook with values in place",
        "LibreOffice, constants-only file",
        wall["in place"],
        wall["constants"],
        cpu=(cpu["in place"], cpu["constants"]),
    )
    row(
        "LibreOffice recalc, account matrix 50k",
        "the same, 10k accounts",
        wall["50k"],
        wall["10k"],
        required=5.5,
        cpu=(cpu["50k"], cpu["10k"]),
    )


def section_http(repeat):
    from officejs import http_call, payload, running_server

    from xlsales.pareto import abc_classes

    values = [[float((i * 7919) % 100_003 + 1)] for i in range(100_000)]
    request = payload("ABC_CLASS", (values,))
    response = {"result": [[c] for c in abc_classes([v[0] for v in values])]}

    def floor():
        sent = json.loads(json.dumps(request))
        abc_classes([r[0] for r in sent["args"][0]])
        json.loads(json.dumps(response))

    import httpx

    os.chdir(ROOT)  # the server runs python -m from its working directory: this checkout
    # one connection for every call, as Excel's browser keeps one (a new httpx client per
    # call would also time building its TLS context, about 35 ms, which no call over
    # http:// needs)
    with running_server({"PYTHONPATH": str(ROOT)}) as base, httpx.Client() as client:

        def call():
            got = http_call(base, "ABC_CLASS", values, timeout=300, client=client)
            assert got.status_code == 200, got.text
            got.json()

        (mine, _), (low, _) = pair(call, floor, repeat)
    row("ABC_CLASS, 100k cells over HTTP", "JSON in and out + abc_classes", mine, low, required=1.5)


def history_csv(data: Path) -> Path:
    path = data / "history-1M.csv"
    if not path.exists():
        from xlsales.samples import sample_crm

        sample_crm(520_000, seed=520_000).to_csv(path, index=False)
    return path


def section_analyze(data, repeat):
    from xlsales.samples import CRM_STAGES

    path = history_csv(data)
    with open(path) as f:
        rows = sum(1 for _ in f) - 1
    read = [sys.executable, "-c", f"import pandas; pandas.read_csv({str(path)!r})"]
    cmd = [
        sys.executable,
        "-m",
        "frontdoors.cli",
        "analyze",
        path,
        "--stages",
        ",".join(CRM_STAGES),
    ]
    (mine_t, mine_m, mine_c), (floor_t, floor_m, floor_c) = processes(cmd, read, repeat)
    row(
        f"xlsales analyze, {rows:,} rows (time)",
        "pandas.read_csv process",
        mine_t,
        floor_t,
        required=2,
        cpu=(mine_c, floor_c),
    )
    row(
        f"xlsales analyze, {rows:,} rows (peak memory)",
        "pandas.read_csv process",
        mine_m,
        floor_m,
        unit="MiB",
        required=2,
    )


def section_big(data, repeat):
    (mine, peak, mine_cpu), (floor, floor_peak, floor_cpu), cells = template_against_write_only(
        data, 200_000, repeat
    )
    row(
        f"200k accounts to a template ({cells:,} cells)",
        "openpyxl write_only, same cells",
        mine,
        floor,
        required=1.2,
        cpu=(mine_cpu, floor_cpu),
    )
    print(
        f"{'':<44} peak {peak:,.0f} MiB (required <= 1,024 MiB); write_only {floor_peak:,.0f} MiB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=SECTIONS[:-1])
    parser.add_argument("--big", action="store_true", help="add the 200k-account section")
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    parser.add_argument("--data", help="folder for the generated inputs (kept between runs)")
    parser.add_argument(
        "--compile-each-run",
        action="store_true",
        help="leave PYTHONDONTWRITEBYTECODE as it is (a checkout then compiles every run)",
    )
    args = parser.parse_args()
    sections = list(args.only) + (["big"] if args.big and "big" not in args.only else [])
    import numpy
    import openpyxl
    import pandas

    print(
        f"xlsales at {ROOT}; numpy {numpy.__version__}, pandas {pandas.__version__}, "
        f"openpyxl {openpyxl.__version__}; {os.cpu_count()} cores; best of {args.repeat}"
    )
    with tempfile.TemporaryDirectory(prefix="xlsales-ratios-") as tmp:
        data = Path(args.data or tmp)
        data.mkdir(parents=True, exist_ok=True)
        if not args.compile_each_run:
            keep_bytecode(data)
        for name in sections:
            if name in ("computed", "abc"):
                section_abc(name, args.repeat)
            elif name == "http":
                section_http(args.repeat)
            else:
                globals()[f"section_{name}"](data, args.repeat)


if __name__ == "__main__":
    main()
