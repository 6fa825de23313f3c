"""The 30/90-day prospecting rule: what you prospect in any 30 days pays off over the next 90.

Jeb Blount, *Fanatical Prospecting* (the "30-day rule"). The prospecting-log template
computes the same tables with native formulas.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from xlsales import _validate as v
from xlsales.errors import InputError, UndefinedError


def _day(name: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise InputError(f"{name}={value!r} is not a date")


def report_periods(start: dt.date, as_of: dt.date, block_days: int = 30) -> tuple[int, int]:
    """How many weeks and how many blocks run from ``start`` to the one holding ``as_of``.

    ::

        weeks  = (as_of - start) // 7 + 1
        blocks = (as_of - start) // block_days + 1

    >>> report_periods(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    (5, 2)
    """
    start, as_of = _day("start", start), _day("as_of", as_of)
    block_days = v.whole("block_days", block_days)
    if block_days < 1:
        raise InputError(f"block_days={block_days} must be 1 or more")
    if as_of < start:
        raise InputError(f"as_of={as_of} is before start={start}")
    days = (as_of - start).days
    return days // 7 + 1, days // block_days + 1


def month_after(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar month after ``day`` (the default plan period).

    >>> month_after(dt.date(2026, 1, 31))
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    """
    first = (_day("day", day).replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def payoff_blocks(
    activities: pd.DataFrame,
    start: dt.date,
    as_of: dt.date,
    block_days: int = 30,
    payoff_days: int = 90,
) -> pd.DataFrame:
    """Consecutive prospecting blocks and what each one brought in the window after it.

    Notes
    -----
    ::

        block k covers   [start + (k-1)*B, start + k*B)           B = block_days
        payoff window    [start + k*B, start + k*B + P)           P = payoff_days
        activities       count of activities dated in the block
        pipeline         pipeline_value of those activities
        won_early        won_value of those activities won before the window opens
        won_in_window    ... won inside the payoff window (the 30-day rule at work)
        won_later        ... won after the window closed
        window_closed    start + k*B + P <= as_of + 1 day (the window is fully seen)

    Blocks run from ``start`` to the block holding ``as_of``; activities before
    ``start`` are not in any block.

    Examples
    --------
    >>> log = pd.DataFrame({"date": [dt.date(2026, 1, 5), dt.date(2026, 2, 3)],
    ...     "pipeline_value": [1000.0, 500.0], "won_value": [800.0, 0.0],
    ...     "won_date": [dt.date(2026, 3, 1), None]})
    >>> b = payoff_blocks(log, dt.date(2026, 1, 1), dt.date(2026, 2, 15))
    >>> b[["activities", "pipeline", "won_in_window"]].values.tolist()
    [[1.0, 1000.0, 800.0], [1.0, 500.0, 0.0]]
    """
    start, as_of = _day("start", start), _day("as_of", as_of)
    payoff_days = v.whole("payoff_days", payoff_days)
    _, count = report_periods(start, as_of, block_days)
    dates = pd.to_datetime(activities["date"])
    won_dates = pd.to_datetime(activities["won_date"])
    begin = pd.Timestamp(start)
    block = ((dates - begin).dt.days // block_days + 1).where(dates >= begin, 0)
    rows = []
    for k in range(1, count + 1):
        opens = begin + pd.Timedelta(days=k * block_days)
        closes = opens + pd.Timedelta(days=payoff_days)
        mine = block == k
        won = activities["won_value"].where(mine, 0.0)
        when = won_dates.where(mine)
        rows.append(
            {
                "block": k,
                "start": (begin + pd.Timedelta(days=(k - 1) * block_days)).date(),
                "end": (opens - pd.Timedelta(days=1)).date(),
                "activities": int(mine.sum()),
                "pipeline": float(activities["pipeline_value"].where(mine, 0.0).sum()),
                "won_early": float(won[when < opens].sum()),
                "won_in_window": float(won[(when >= opens) & (when < closes)].sum()),
                "won_later": float(won[when >= closes].sum()),
                "window_closed": closes <= pd.Timestamp(as_of) + pd.Timedelta(days=1),
            }
        )
    return pd.DataFrame(rows)


def weekly_activity(
    activities: pd.DataFrame, start: dt.date, weeks: int, block_days: int = 30
) -> pd.DataFrame:
    """Activities per week and the rolling count of the ``block_days`` days to each week's end.

    ::

        week i covers     [start + 7(i-1), start + 7i)
        rolling           activities dated in (week end - block_days, week end]
                          week end = start + 7i - 1
    """
    dates = pd.to_datetime(activities["date"])
    begin = pd.Timestamp(_day("start", start))
    rows = []
    for i in range(1, v.whole("weeks", weeks) + 1):
        first = begin + pd.Timedelta(days=7 * (i - 1))
        last = first + pd.Timedelta(days=6)
        rows.append(
            {
                "week": i,
                "start": first.date(),
                "activities": int(((dates >= first) & (dates <= last)).sum()),
                "rolling": int(
                    ((dates > last - pd.Timedelta(days=block_days)) & (dates <= last)).sum()
                ),
            }
        )
    return pd.DataFrame(rows)


def poor_prospect_share(activities: pd.DataFrame, payoff_days: int = 90) -> float:
    """Share of activities spent on prospects that produced no pipeline within the window.

    ::

        an activity on prospect p at date d is poor when the pipeline_value of all
        activities on p dated in [d, d + payoff_days) adds up to 0
        share = poor activities / all activities
    """
    if activities.empty:
        raise UndefinedError("no activities: the share of poor prospects is undefined")
    activities = activities.reset_index(drop=True)
    dates = pd.to_datetime(activities["date"]).to_numpy()
    window = np.timedelta64(v.whole("payoff_days", payoff_days), "D")
    poor = 0
    for _, group in activities.groupby("prospect", sort=False):
        d = dates[group.index]
        value = group["pipeline_value"].to_numpy()
        for day in d:
            if value[(d >= day) & (d < day + window)].sum() == 0:
                poor += 1
    return poor / len(activities)


def activities_needed_per_day(
    target_wins: float, activities: pd.DataFrame, plan_start: dt.date, plan_end: dt.date
) -> float:
    """Activities per working day that feed the win target at the measured yield.

    ::

        activities_per_win = activities / activities with won_value > 0
        needed per day     = target_wins * activities_per_win / NETWORKDAYS(plan_start, plan_end)

    Working days are Monday to Friday, both ends included. No rounding.
    """
    target_wins = v.non_negative("target_wins", target_wins)
    wins = int((activities["won_value"] > 0).sum())
    if wins == 0:
        raise UndefinedError("no activity has a won value yet: activities per win are undefined")
    first, last = _day("plan_start", plan_start), _day("plan_end", plan_end)
    days = int(np.busday_count(first, last + dt.timedelta(days=1)))
    if days <= 0:
        raise InputError(f"plan_start={first} to plan_end={last} holds no working day")
    return target_wins * (len(activities) / wins) / days


def pipeline_projection(
    activities: pd.DataFrame, as_of: dt.date, block_days: int = 30
) -> tuple[int, float, float]:
    """Pipeline the last ``block_days`` days of activity should bring in the next window.

    ::

        yield per activity = sum of pipeline_value / number of activities
        recent             = activities dated in (as_of - block_days, as_of]
        projection         = recent * yield per activity

    Returns ``(recent, yield_per_activity, projection)``.
    """
    if activities.empty:
        raise UndefinedError("no activities: the yield per activity is undefined")
    dates = pd.to_datetime(activities["date"])
    end = pd.Timestamp(_day("as_of", as_of))
    recent = int(((dates > end - pd.Timedelta(days=block_days)) & (dates <= end)).sum())
    per = float(activities["pipeline_value"].sum()) / len(activities)
    return recent, per, recent * per
