"""Sales-funnel arithmetic: conversion, required volumes, backward schedules, velocity.

Conventions used throughout:

* Stages are listed top of the funnel first (leads, ..., won).
* ``counts`` has one entry per stage; ``rates`` has one entry per step between two
  stages, so ``len(rates) == number of stages - 1``.
* A rate is a share in (0, 1]: 0.25 means 25 % of one stage reaches the next.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np

from xlsales import _validate as v
from xlsales.errors import InputError, UndefinedError

# Documented bounds: Excel keeps 15 significant digits and shows dates 1900-9999.
MAX_VOLUME = 1e15  # largest target or stage volume (a whole number Excel still shows exactly)
MAX_PERIODS = 10_000  # periods in one schedule
MAX_STAGE_DAYS = 36_500  # days one stage may take (100 years)
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(9999, 12, 31)  # dates Excel can show

Rounding = Literal["none", "end", "stage"]
ROUNDINGS: tuple[str, ...] = ("end", "stage", "none")
PERIODS: tuple[str, ...] = ("once", "day", "week", "month")


def ceil_counts(x: np.ndarray) -> np.ndarray:
    """Round needs up to whole counts, as Excel's and LibreOffice's ROUNDUP(x, 0) do.

    Excel looks at 15 significant digits before rounding, so float noise such as
    ``14 / 0.007 = 2000.0000000000002`` asks for 2000, not 2001 (LibreOffice 7.4 rounds
    at about 14 digits: the two differ only on a need whose 15th digit is not 0, such as
    2000.00000000001, which LibreOffice rounds to 2000 and this rule, as Excel, to 2001)::

        k = the whole number nearest x
        ceil = k      if |x - k| < 0.5 * 10^(floor(log10|x|) - 14)   (x is k to 15 digits)
        ceil = ROUNDUP(x, 0) otherwise

    >>> ceil_counts(np.array([2000.0000000000002, 207.4074, 7.0, 0.0])).tolist()
    [2000, 208, 7, 0]
    """
    x = np.asarray(x, dtype=float)
    k = np.rint(x)
    with np.errstate(divide="ignore"):
        digits = np.floor(np.log10(np.abs(x)))
    near = np.abs(x - k) < 0.5 * np.power(10.0, digits - 14)
    return np.where(near | (x == 0), k, np.ceil(x)).astype(np.int64)


def _count(name: str, value: object) -> int:
    """A whole number from 0 to :data:`MAX_VOLUME`."""
    count = v.whole(name, value)
    if count > MAX_VOLUME:
        raise InputError(f"{name}={count:g} must be at most {MAX_VOLUME:g}")
    return count


def _counts(counts: object) -> list[int]:
    values = v.sequence("counts", counts, min_len=2)
    checked = [_count(f"counts[{i}]", c) for i, c in enumerate(values)]
    for i in range(1, len(checked)):
        if checked[i] > checked[i - 1]:
            raise InputError(
                f"counts[{i}]={checked[i]} is more than counts[{i - 1}]={checked[i - 1]}: "
                "a stage cannot hold more than the stage before it (conversion above 100%)"
            )
    return checked


def _rates(rates: object) -> list[float]:
    values = v.sequence("rates", rates)
    return [v.share(f"rates[{i}]", r) for i, r in enumerate(values)]


def stage_conversion(counts: Sequence[int]) -> list[float]:
    """Step conversion rates of a funnel snapshot: each stage over the stage before.

    Parameters
    ----------
    counts : sequence of int
        How many entries each stage holds, top of the funnel first; whole numbers >= 0
        that never rise from one stage to the next. At least two stages.

    Returns
    -------
    list of float
        ``len(counts) - 1`` rates in [0, 1].

    Raises
    ------
    InputError
        A count is negative, fractional or not a number, or a stage holds more than
        the stage before it.
    UndefinedError
        A stage holds 0 entries, so the rate of the step after it is 0 / 0.

    Notes
    -----
    ::

        rate[i] = counts[i + 1] / counts[i]

    No rounding: the rates are exact quotients. A stage with 0 entries has no rate to
    the next stage (0 / 0); it is reported, never shown as 0 % or 100 %.

    References
    ----------
    calculatorlib.com sales funnel example (shared/oracles/funnel_examples.json);
    the funnel planner's Plan column "actual rate" (the next stage's actual over this
    one's) gives the same numbers, and "next stage holds more" where this function
    refuses a rise (a flow, never shown above 100 %).

    Examples
    --------
    1,000 leads gave 400 meetings, 150 proposals and 30 deals:

    >>> stage_conversion([1000, 400, 150, 30])
    [0.4, 0.375, 0.2]
    """
    checked = _counts(counts)
    rates = []
    for i in range(len(checked) - 1):
        if checked[i] == 0:
            raise UndefinedError(
                f"counts[{i}]=0: the conversion from stage {i + 1} to stage {i + 2} is undefined "
                "(no entries to convert)"
            )
        rates.append(checked[i + 1] / checked[i])
    return rates


def cumulative_conversion(counts: Sequence[int]) -> list[float]:
    """Each stage's share of the top stage (the first entry is always 1).

    Notes
    -----
    ::

        share[i] = counts[i] / counts[0]

    No rounding. Raises ``UndefinedError`` when the top stage holds 0 entries, and the
    same ``InputError`` as :func:`stage_conversion` for bad counts.

    Examples
    --------
    Of 1,000 leads, 3 % became deals:

    >>> cumulative_conversion([1000, 400, 150, 30])
    [1.0, 0.4, 0.15, 0.03]
    """
    checked = _counts(counts)
    if checked[0] == 0:
        raise UndefinedError("counts[0]=0: shares of the top stage are undefined (no entries)")
    return [c / checked[0] for c in checked]


def required_volumes(
    target: float, rates: Sequence[float], rounding: Rounding = "end"
) -> list[float]:
    """Volume each stage needs so that the funnel delivers ``target`` at the bottom.

    Parameters
    ----------
    target : float
        What must come out of the last stage (e.g. 10 new customers), >= 0.
    rates : sequence of float
        Step conversion rates, top first, each in (0, 1].
    rounding : {"end", "stage", "none"}
        ``"none"``: the exact chain, fractions kept. ``"end"`` (default): each stage's
        exact need rounded up on its own. ``"stage"``: rounded up at every step from
        the bottom, each stage sized from the rounded stage below it.

    Returns
    -------
    list
        ``len(rates) + 1`` volumes, top of the funnel first, ending with the target
        (ints when rounded, floats for ``"none"``).

    Notes
    -----
    ::

        exact[n]  = target                               n = len(rates)
        exact[i]  = target / (rates[i] * ... * rates[n-1])
        end[i]    = ROUNDUP(exact[i], 0)
        stage[n]  = ROUNDUP(target, 0)
        stage[i]  = ROUNDUP(stage[i+1] / rates[i], 0)

    Rounding up uses 15 significant digits, like Excel and LibreOffice (see
    :func:`ceil_counts`). Bounds: the target is at most ``MAX_VOLUME`` (1e15), and a plan
    whose top stage would need more is refused: a rounded volume stays below 2**63. ``"end"`` is the default because it is the smallest whole
    plan that still delivers the target on average: rounding at every stage compounds
    (each step rounds up a number that was already rounded up), so ``"stage"`` asks
    the top of the funnel for more than the rates need, while ``"end"`` rounds each
    stage once. Use ``"stage"`` when every stage must be whole before the next one is
    sized, e.g. when meetings are booked as whole slots. Always
    ``stage >= end >= none``.

    References
    ----------
    shared/oracles/funnel_examples.json ("sales-math": 14 deals at 10 %, 35 %, 50 %,
    40 % need 2,000 calls); funnel planner template, ``Required volume`` column.

    Examples
    --------
    To win 7 customers when 25 % of leads qualify, 30 % of those get a proposal and
    45 % of proposals win:

    >>> required_volumes(7, [0.25, 0.3, 0.45])
    [208, 52, 16, 7]
    >>> required_volumes(7, [0.25, 0.3, 0.45], rounding="stage")
    [216, 54, 16, 7]
    >>> [round(x, 2) for x in required_volumes(7, [0.25, 0.3, 0.45], rounding="none")]
    [207.41, 51.85, 15.56, 7.0]
    """
    target = v.non_negative("target", target)
    table = required_volumes_table([target], rates, rounding)[0]
    return table.tolist()


def required_volumes_table(
    targets: Sequence[float], rates: Sequence[float], rounding: Rounding = "end"
) -> np.ndarray:
    """:func:`required_volumes` for many targets at once: one row per target.

    Same formula and rounding; the rates are checked once, the rows are computed
    with numpy. Rows are ints when rounded, floats for ``"none"``.

    >>> required_volumes_table([7, 14], [0.25, 0.3, 0.45]).tolist()
    [[208, 52, 16, 7], [415, 104, 32, 14]]
    """
    target = v.number_array("targets", targets)
    low = np.flatnonzero(target < 0)
    if len(low):
        i = int(low[0])
        name = "target" if len(target) == 1 else f"targets[{i}]"
        raise InputError(f"{name}={target[i]:g} must be 0 or more")
    high = np.flatnonzero(target > MAX_VOLUME)
    if len(high):
        i = int(high[0])
        name = "target" if len(target) == 1 else f"targets[{i}]"
        raise InputError(f"{name}={target[i]:g} must be at most {MAX_VOLUME:g}")
    checked = _rates(rates)
    mode = v.choice("rounding", rounding, ROUNDINGS)
    n = len(checked)
    product, biggest = math.prod(checked), float(target.max(initial=0.0))
    # tiny rates can multiply to 0 (1e-300 * 1e-300): then any target > 0 needs infinity
    top = biggest / product if product else (math.inf if biggest else 0.0)
    if top > MAX_VOLUME:  # the top stage holds the most
        raise InputError(
            f"target={float(target.max()):g} at these rates needs {top:.3g} entries at the top "
            f"of the funnel: more than {MAX_VOLUME:g}, beyond what a plan can hold"
        )
    if mode == "stage":
        out = np.empty((len(target), n + 1), dtype=np.int64)
        out[:, n] = ceil_counts(target)
        for i in range(n - 1, -1, -1):
            out[:, i] = ceil_counts(out[:, i + 1] / checked[i])
        return out
    exact = np.empty((len(target), n + 1))
    exact[:, n] = target
    for i in range(n - 1, -1, -1):
        exact[:, i] = exact[:, i + 1] / checked[i]
    return exact if mode == "none" else ceil_counts(exact)


class StageNeed(NamedTuple):
    """One row of the working behind :func:`required_volumes`."""

    stage: str
    rate: float | None  # conversion from this stage to the next; None for the last
    exact: float
    volume: float


def stage_names(stages: Sequence[str] | None, count: int) -> list[str]:
    """The stage labels: the user's, or ``stage 1`` ... ``stage n``."""
    if stages is None:
        return [f"stage {i + 1}" for i in range(count)]
    names = [str(s) for s in v.sequence("stages", stages)]
    if len(names) != count:
        raise InputError(
            f"stages has {len(names)} name(s) but the rates describe {count} stages: "
            "give one name per stage (one more than the rates)"
        )
    return names


def required_working(
    target: float,
    rates: Sequence[float],
    rounding: Rounding = "end",
    stages: Sequence[str] | None = None,
) -> list[StageNeed]:
    """The table an auditor reads: stage, rate to the next stage, exact need, volume.

    Same formula and rounding as :func:`required_volumes`.

    >>> for row in required_working(10, [0.1], stages=["approached", "won"]):
    ...     print(row.stage, row.rate, row.exact, row.volume)
    approached 0.1 100.0 100
    won None 10.0 10
    """
    exact = required_volumes(target, rates, "none")
    volumes = required_volumes(target, rates, rounding)
    names = stage_names(stages, len(exact))
    rate_col = [float(r) for r in rates] + [None]
    return [StageNeed(*row) for row in zip(names, rate_col, exact, volumes)]


class ScheduleRow(NamedTuple):
    """One stage of one period of a backward schedule."""

    period: int  # 1, 2, ... (1 for a one-off target)
    due: dt.date  # when this period's target must be won
    stage: str
    rate: float | None  # conversion from this stage to the next; None for the last
    exact: float  # the exact need before rounding
    volume: float
    start: dt.date  # the date by which this stage's volume must be entered


def _date(name: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(f"{name}={value!r} is not a date (use YYYY-MM-DD)")


def add_period(day: dt.date, every: str, count: int) -> dt.date:
    """``day`` moved ``count`` periods on; a month step keeps the day or the month's end.

    >>> add_period(dt.date(2026, 1, 31), "month", 1)
    datetime.date(2026, 2, 28)
    """
    if every == "once" or count == 0:
        return day
    if every == "day":
        return day + dt.timedelta(days=count)
    if every == "week":
        return day + dt.timedelta(weeks=count)
    months = day.month - 1 + count
    year, month = day.year + months // 12, months % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _shifted(day: dt.date, every: str, count: int, name: str) -> dt.date:
    try:
        return add_period(day, every, count)
    except (OverflowError, ValueError):
        raise InputError(
            f"{name}={count + 1}: the last period would be due after {LAST_DATE}"
        ) from None


def funnel_schedule(
    target: float,
    rates: Sequence[float],
    stage_days: Sequence[float],
    due: dt.date,
    rounding: Rounding = "end",
    every: str = "once",
    periods: int = 1,
    stages: Sequence[str] | None = None,
) -> list[ScheduleRow]:
    """Backward schedule: per stage, the volume and the date it must be entered by.

    Parameters
    ----------
    target : float
        Wins needed per period (or once), >= 0.
    rates : sequence of float
        Step conversion rates, top first, each in (0, 1].
    stage_days : sequence of float
        Days an entry spends in each stage before it reaches the next one; one per
        rate, each >= 0.
    due : date
        When the (first) target must be won.
    rounding : {"end", "stage", "none"}
        As in :func:`required_volumes`.
    every : {"once", "day", "week", "month"}
        ``"once"`` for a one-off target; otherwise the target recurs every period.
    periods : int
        How many periods to schedule (1 for a one-off target).
    stages : sequence of str, optional
        Stage names, one per stage.

    Returns
    -------
    list of ScheduleRow
        ``periods * (len(rates) + 1)`` rows: period by period, top stage first.

    Notes
    -----
    ::

        due[k]      = due + k periods            (k = 0 .. periods - 1)
        start[k, i] = due[k] - (stage_days[i] + ... + stage_days[n-1])
        start[k, n] = due[k]                     (the last stage: the wins themselves)
        volume[i]   = required_volumes(target, rates, rounding)[i]

    Bounds: ``periods`` 1 to :data:`MAX_PERIODS`, each stage 0 to
    :data:`MAX_STAGE_DAYS` days, and every date (due and start) within 1900-01-01 to
    9999-12-31, the dates Excel can show.

    Backward scheduling: a stage must start the sum of the downstream stage durations
    before the due date. Days are calendar days; fractional days are rounded up
    (entering a lead half a day late is late). A month step keeps the day of the
    month, or its last day when the month is shorter.

    Examples
    --------
    10 wins a week, from 100 approaches at 10 %, approaches take 14 days to close:

    >>> rows = funnel_schedule(10, [0.1], [14], dt.date(2026, 3, 2), every="week", periods=2)
    >>> [(r.period, r.stage, r.volume, r.start.isoformat()) for r in rows]
    [(1, 'stage 1', 100, '2026-02-16'), (1, 'stage 2', 10, '2026-03-02'), \
(2, 'stage 1', 100, '2026-02-23'), (2, 'stage 2', 10, '2026-03-09')]
    """
    working = required_working(target, rates, rounding, stages)
    days = v.sequence("stage_days", stage_days)
    v.same_length("rates", list(rates), "stage_days", days)
    lead = [v.non_negative(f"stage_days[{i}]", d) for i, d in enumerate(days)]
    for i, d in enumerate(lead):
        if d > MAX_STAGE_DAYS:
            raise InputError(f"stage_days[{i}]={d:g} must be at most {MAX_STAGE_DAYS} (100 years)")
    due = _date("due", due)
    if not FIRST_DATE <= due <= LAST_DATE:
        raise InputError(f"due={due} must be a date Excel can show ({FIRST_DATE} to {LAST_DATE})")
    every = v.choice("every", every, PERIODS)
    periods = v.whole("periods", periods)
    if not 1 <= periods <= MAX_PERIODS:
        raise InputError(f"periods={periods} must be between 1 and {MAX_PERIODS}")
    if every == "once" and periods != 1:
        raise InputError(
            f"periods={periods} needs every=day, week or month (a one-off target has 1)"
        )
    offsets = [math.ceil(sum(lead[i:])) for i in range(len(lead))] + [0]
    _shifted(due, every, periods - 1, "periods")  # refuses a last due date out of range
    if (due - FIRST_DATE).days < offsets[0]:
        raise InputError(
            f"due={due} leaves too little time: the top stage would start "
            f"{offsets[0]} days earlier, before {FIRST_DATE} (the first date Excel can show)"
        )
    rows = []
    for k in range(periods):
        period_due = add_period(due, every, k)
        for need, offset in zip(working, offsets):
            start = period_due - dt.timedelta(days=offset)
            rows.append(ScheduleRow(k + 1, period_due, need.stage, *need[1:], start))
    return rows


def win_rate(won: int, lost: int) -> float:
    """Share of closed deals that were won; open deals are not counted.

    Notes
    -----
    ::

        win_rate = won / (won + lost)

    No rounding. ``UndefinedError`` when no deal is closed (0 / 0).

    References
    ----------
    Common CRM definition (shared/oracles/funnel_examples.json, ``win_rate``).

    Examples
    --------
    12 deals won and 36 lost this quarter (the 20 still open do not count):

    >>> win_rate(12, 36)
    0.25
    """
    won = _count("won", won)
    lost = _count("lost", lost)
    if won + lost == 0:
        raise UndefinedError("won=0 and lost=0: the win rate is undefined (no closed deals)")
    return won / (won + lost)


def pipeline_velocity(
    open_deals: float, win_rate: float, average_won_amount: float, average_cycle_days: float
) -> float:
    """Expected revenue per day from the open pipeline (pipeline velocity).

    Parameters
    ----------
    open_deals : float
        Deals open on the as-of date, whatever their stage, >= 0.
    win_rate : float
        won / (won + lost) over the deals closed in the period, in [0, 1].
    average_won_amount : float
        Average amount of the won deals, >= 0 (currency).
    average_cycle_days : float
        Average sales cycle: days from creation to won, over the won deals, > 0.

    Notes
    -----
    ::

        velocity = open_deals * win_rate * average_won_amount / average_cycle_days
                   (currency per day)

    No rounding. The same four terms are shown by ``xlsales analyze``, the funnel
    planner's Velocity sheet and :func:`xlsales.deals.record_metrics`, which measures
    them from a CRM export (shared/DOMAIN.md, "Pipeline velocity").
    Bounds: open deals and the average won amount at most ``MAX_VOLUME`` (1e15), and a
    result above 1e30 a day (a cycle of almost 0 days) is refused: never inf.

    References
    ----------
    mavenlb.com: 40 opportunities, 25 %, GBP 25,000, 90 days give GBP 2,777 a day
    (tests/data/funnel_examples.json).

    Examples
    --------
    40 open deals, a 25 % win rate, 25,000 per won deal, a 90-day cycle:

    >>> round(pipeline_velocity(40, 0.25, 25_000, 90), 2)
    2777.78
    """
    open_deals = v.non_negative("open_deals", open_deals)
    rate = v.share("win_rate", win_rate, zero_ok=True)
    amount = v.non_negative("average_won_amount", average_won_amount)
    cycle = v.positive("average_cycle_days", average_cycle_days)
    if open_deals > MAX_VOLUME:
        raise InputError(f"open_deals={open_deals:g} must be at most {MAX_VOLUME:g}")
    if amount > MAX_VOLUME:
        raise InputError(f"average_won_amount={amount:g} must be at most {MAX_VOLUME:g}")
    velocity = open_deals * rate * amount / cycle
    if not math.isfinite(velocity) or velocity > MAX_VOLUME**2:
        raise InputError(
            f"average_cycle_days={cycle:g} is too short for these amounts: the velocity "
            f"would exceed {MAX_VOLUME**2:g} a day"
        )
    return velocity


class PlanGap(NamedTuple):
    """One stage of a plan-versus-actual comparison."""

    stage: str
    required: float
    actual: float
    variance: float
    on_course: bool
    planned_rate: float | None
    actual_rate: float | None  # went_on / actual: the cohort's step conversion
    went_on: float | None = None  # of the actual entries, how many reached the next stage
    open_here: float | None = None  # of the actual entries, how many are still open here
    ratio: float | None = None  # actual / required


class StageGap(NamedTuple):
    """One stage's entries in a period against its required volume."""

    variance: float  # actual - required
    on_course: bool  # actual >= required
    ratio: float | None  # actual / required (None when nothing is required)
    actual_rate: float | None  # went_on / actual (None without entries or went_on)


def stage_gap(actual: float, required: float, went_on: float | None = None) -> StageGap:
    """The rule of plan against actual for one stage and period.

    Parameters
    ----------
    actual : float
        Deals that entered the stage in the period (>= 0).
    required : float
        The volume the plan asks of the stage in the period (>= 0; 0 when the period
        holds no planned volume).
    went_on : float, optional
        Of the ``actual`` entries, how many had reached the next stage by the as-of
        date (0 to ``actual``); None for the last stage or when not known.

    Returns
    -------
    StageGap
        variance, on_course, ratio, actual_rate.

    Raises
    ------
    InputError
        A negative count, or more deals going on than entered (a rate above 100 %).

    Notes
    -----
    ::

        variance    = actual - required
        on_course   = actual >= required
        ratio       = actual / required     (None when required = 0)
        actual_rate = went_on / actual      (None when actual = 0 or went_on is None)

    No rounding. The pipeline planner's Actuals sheet shows the same rule as "entered to
    planned", "status" (on course / behind) and "step conversion".

    Examples
    --------
    The plan asks 52 qualified deals this month; 60 entered and 15 of them went on:

    >>> g = stage_gap(60, 52, 15)
    >>> g.variance, g.on_course, round(g.ratio, 4), g.actual_rate
    (8.0, True, 1.1538, 0.25)

    Exactly on the plan is on course; one short is behind:

    >>> stage_gap(52, 52).on_course, stage_gap(51, 52).on_course
    (True, False)
    """
    have = v.non_negative("actual", actual)
    need = v.non_negative("required", required)
    moved = None if went_on is None else v.non_negative("went_on", went_on)
    if moved is not None and moved > have:
        raise InputError(
            f"went_on={moved:g} is more than actual={have:g}: of the deals that entered a "
            "stage, no more can go on (a rate above 100 %)"
        )
    return StageGap(
        have - need,
        have >= need,
        have / need if need else None,
        moved / have if moved is not None and have else None,
    )


def plan_gap(
    actual: Sequence[float],
    rates: Sequence[float],
    target: float,
    rounding: Rounding = "end",
    stages: Sequence[str] | None = None,
    went_on: Sequence[float] | None = None,
    open_here: Sequence[float] | None = None,
) -> list[PlanGap]:
    """Actual entries per stage against the volumes :func:`required_volumes` asks for.

    Parameters
    ----------
    actual : sequence of float
        Deals that entered each stage in the period, top first (one per stage).
    rates, target, rounding, stages
        The plan, as in :func:`required_working`.
    went_on : sequence of float, optional
        Of each stage's actual entries, how many had reached the next stage by the
        as-of date (one per step, or per stage with the last ignored). Without it the
        actual rate is None: a ratio of two stages' entries in one period is a flow,
        not a conversion, and can exceed 100 % (the funnel planner's Plan sheet shows
        it only where :func:`stage_conversion` accepts the two counts, and "next stage
        holds more" where the next stage's entries are more).
    open_here : sequence of float, optional
        Of each stage's actual entries, how many are still open in it (one per stage).

    Returns
    -------
    list of PlanGap
        One per stage, top first.

    Raises
    ------
    InputError
        Wrong lengths, negative counts, more deals going on (or open) than entered.

    Notes
    -----
    ::

        required[i]    = required_volumes(target, rates, rounding)[i]
        variance[i]    = actual[i] - required[i]
        on_course[i]   = actual[i] >= required[i]
        ratio[i]       = actual[i] / required[i]      (None when required[i] = 0)
        actual_rate[i] = went_on[i] / actual[i]       (None when actual[i] = 0, i is last,
                                                       or went_on is not given)

    ``went_on[i] + open_here[i] <= actual[i]``, so the actual rate never exceeds 100 %.

    Examples
    --------
    Plan: 7 wins at 25 %, 30 %, 45 %; this period 200 leads, 60 qualified, 15 proposals,
    8 wins; of the 200 leads 52 have gone on (30 still open), of the 60 qualified 15:

    >>> gaps = plan_gap([200, 60, 15, 8], [0.25, 0.3, 0.45], 7, went_on=[52, 15, 6],
    ...                 open_here=[30, 10, 4, 0])
    >>> [(g.required, g.variance, g.on_course) for g in gaps]
    [(208, -8.0, False), (52, 8.0, True), (16, -1.0, False), (7, 1.0, True)]
    >>> [g.actual_rate for g in gaps]
    [0.26, 0.25, 0.4, None]
    """
    required = required_volumes(target, rates, rounding)
    values = v.sequence("actual", actual)
    if len(values) != len(required):
        raise InputError(
            f"actual has {len(values)} value(s) but the rates describe "
            f"{len(required)} stages: give one actual volume per stage"
        )
    got = [v.non_negative(f"actual[{i}]", a) for i, a in enumerate(values)]
    for i, a in enumerate(got):
        if a > MAX_VOLUME:
            raise InputError(f"actual[{i}]={a:g} must be at most {MAX_VOLUME:g}")
    steps = len(required) - 1
    moved = _beside("went_on", went_on, got, steps)
    waiting = _beside("open_here", open_here, got, steps + 1)
    for i, have in enumerate(got):
        m = moved[i] if i < len(moved) else 0.0
        w = waiting[i] if i < len(waiting) else 0.0
        if m + w > have:
            raise InputError(
                f"went_on[{i}]={m:g} and open_here[{i}]={w:g} add up to more than "
                f"actual[{i}]={have:g}: of the deals that entered a stage, no more can go on "
                "or stay open (a rate above 100 %)"
            )
    names = stage_names(stages, len(required))
    rows = []
    for i, (name, need, have) in enumerate(zip(names, required, got)):
        step = i < steps
        m = moved[i] if step and moved else None
        gap = stage_gap(have, need, m)
        rows.append(
            PlanGap(
                name,
                need,
                have,
                gap.variance,
                gap.on_course,
                float(rates[i]) if step else None,
                gap.actual_rate,
                m,
                waiting[i] if waiting else None,
                gap.ratio,
            )
        )
    return rows


def _beside(name: str, values: object, actual: list[float], count: int) -> list:
    """Counts that stand beside ``actual``: ``count`` of them (one more, the last, is
    accepted and ignored when ``count`` is the number of steps); [] when not given."""
    if values is None:
        return []
    items = v.sequence(name, values)
    if len(items) == count + 1 and count < len(actual):
        items = items[:count]
    if len(items) != count:
        raise InputError(
            f"{name} has {len(items)} value(s): give one per "
            f"{'step' if count < len(actual) else 'stage'} ({count})"
        )
    return [v.non_negative(f"{name}[{i}]", x) for i, x in enumerate(items)]


def delivered(top: float, rates: Sequence[float]) -> float:
    """What ``top`` entries deliver at the bottom of the funnel on average.

    ::

        delivered = top * rates[0] * ... * rates[n-1]

    >>> delivered(100, [0.5, 0.2])
    10.0
    """
    result = v.non_negative("top", top)
    for rate in _rates(rates):
        result *= rate
    return result
