"""The ``xlsales`` command: parses arguments, calls the library, prints or saves."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from xlsales import __version__, funnel
from xlsales.errors import XlsalesError

SAMPLE = {
    "target": 10,
    "stages": "approached,conversation,meeting,proposal,won",
    "rates": "0.3,0.5,0.6,0.4",
    "stage_days": "7,7,14,14",
}


def _floats(text: str, name: str) -> list[float]:
    out = []
    for i, part in enumerate(text.split(",")):
        try:
            out.append(float(part))
        except ValueError:
            raise XlsalesError(f"--{name} item {i + 1}={part.strip()!r} is not a number") from None
    return out


def _cmd_funnel(args: argparse.Namespace) -> None:
    rates = _floats(args.rates, "rates")
    stages = [s.strip() for s in args.stages.split(",")] if args.stages else None
    rows = funnel.required_working(args.target, rates, args.rounding, stages)
    width = max(len(r.stage) for r in rows)
    print(f"To win {args.target:g} ({args.rounding} rounding) you need:")
    print(f"  {'stage':<{width}}  {'rate to next':>12}  {'exact need':>10}  {'plan':>6}")
    for r in rows:
        rate = f"{r.rate:.1%}" if r.rate is not None else ""
        print(f"  {r.stage:<{width}}  {rate:>12}  {r.exact:>10.2f}  {r.volume:>6}")
    if args.due:
        days = _floats(args.stage_days, "stage-days")
        schedule = funnel.funnel_schedule(
            args.target, rates, days, args.due, args.rounding, args.every, args.periods, stages
        )
        print(f"\nBackward schedule (stage days {args.stage_days}):")
        for r in schedule:
            print(f"  period {r.period} due {r.due}: {r.stage:<{width}} {r.volume:>6} by {r.start}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xlsales", description=__doc__)
    parser.add_argument("--version", action="version", version=f"xlsales {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "funnel",
        help="print the volume each stage needs to reach a win target",
        description="Work back from a win target through the stage conversion rates. "
        "Without arguments it plans 10 wins on built-in sample rates.",
    )
    p.add_argument("--target", type=float, default=SAMPLE["target"], help="wins needed (default 10)")
    p.add_argument("--rates", default=SAMPLE["rates"], help="step rates, top first, comma-separated")
    p.add_argument("--stages", default=SAMPLE["stages"], help="stage names, comma-separated")
    p.add_argument("--rounding", default="end", choices=funnel.ROUNDINGS)
    p.add_argument("--stage-days", default=SAMPLE["stage_days"], help="days per stage, one per rate")
    p.add_argument("--due", help="date the target must be won (YYYY-MM-DD): prints the schedule")
    p.add_argument("--every", default="once", choices=funnel.PERIODS)
    p.add_argument("--periods", type=int, default=1)
    p.set_defaults(run=_cmd_funnel)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except XlsalesError as exc:
        print(f"xlsales: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
