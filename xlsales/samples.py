"""Built-in sample data: realistic, seeded, so the demo needs nothing of the user's.

Each function builds the same rows every time (numpy's PCG64 with a fixed seed).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

OWNERS = ("Anna Berg", "Ben Okafor", "Chloe Martin", "David Novak")
CLUSTERS = ("Manufacturing", "Retail", "Healthcare", "Logistics", "Software")
REPS = ("Anna Berg", "Ben Okafor", "Chloe Martin")
_FIRST = ("Nord", "Alpen", "Blue", "Cedar", "Delta", "Echo", "Falk", "Granit", "Helio", "Iris",
          "Juno", "Kraft", "Lumen", "Mira", "Nova", "Orbit", "Pine", "Quant", "Rhein", "Sol")
_SECOND = ("Tech", "Logistik", "Foods", "Medical", "Systems", "Retail", "Works", "Pharma",
           "Energy", "Labs")
_FORM = ("GmbH", "AG", "Ltd", "Inc", "SA")


def _names(rng: np.random.Generator, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} {rng.choice(_FORM)}"
        if name in seen:
            name = f"{name} {len(names) + 1}"
        seen.add(name)
        names.append(name)
    return names


def sample_accounts(count: int = 120, seed: int = 7) -> pd.DataFrame:
    """Accounts with the columns of :data:`xlsales.records.ACCOUNT_COLUMNS`.

    Revenue is lognormal (a few large accounts, a long tail); effort grows with
    revenue but not in proportion, so some small accounts cost more than they earn.
    """
    rng = np.random.default_rng(seed)
    revenue = np.round(rng.lognormal(10.3, 1.25, count), -2)
    effort = np.round(4 + 6 * np.sqrt(revenue / 1000) * rng.uniform(0.4, 1.6, count), 1)
    return pd.DataFrame({
        "source_row": np.arange(2, count + 2),
        "account": _names(rng, count),
        "owner": rng.choice(OWNERS, count, p=[0.35, 0.25, 0.25, 0.15]),
        "cluster": rng.choice(CLUSTERS, count),
        "icp_fit": rng.choice(["yes", "no"], count, p=[0.75, 0.25]),
        "revenue": revenue,
        "gross_margin": np.round(rng.uniform(0.18, 0.55, count), 3),
        "effort_hours": effort,
        "hourly_cost": rng.choice([55.0, 65.0, 80.0], count),
        "influenceable": rng.choice(["yes", "no"], count, p=[0.8, 0.2]),
    })


OUTCOMES = ("no answer", "not interested", "conversation", "meeting booked", "proposal sent")


def sample_activities(
    count: int = 900, start: dt.date = dt.date(2026, 3, 2), days: int = 180, seed: int = 11
) -> pd.DataFrame:
    """Prospecting activities with the columns of :data:`xlsales.records.ACTIVITY_COLUMNS`.

    Activities fall on working days over ``days`` calendar days from ``start``; about
    one in five creates pipeline and about a third of that pipeline is won 20 to 150
    days later.
    """
    rng = np.random.default_rng(seed)
    workdays = [start + dt.timedelta(days=i) for i in range(days)]
    workdays = [d for d in workdays if d.weekday() < 5]
    dates = sorted(rng.choice(workdays, count))
    prospects = _names(rng, 160)
    outcome = rng.choice(OUTCOMES, count, p=[0.38, 0.2, 0.22, 0.12, 0.08])
    creates = np.isin(outcome, ["meeting booked", "proposal sent"])
    pipeline = np.where(creates, np.round(rng.lognormal(9.6, 0.8, count), -2), 0.0)
    won = creates & (rng.uniform(size=count) < 0.35)
    won_value = np.where(won, np.round(pipeline * rng.uniform(0.6, 1.0, count), -2), 0.0)
    lag = rng.integers(20, 150, count)
    won_date = [d + dt.timedelta(days=int(k)) if w else None for d, k, w in zip(dates, lag, won)]
    return pd.DataFrame({
        "source_row": np.arange(2, count + 2),
        "date": dates,
        "rep": rng.choice(REPS, count),
        "type": rng.choice(["call", "e-mail", "LinkedIn message", "meeting"], count,
                           p=[0.45, 0.3, 0.15, 0.1]),
        "prospect": rng.choice(prospects, count),
        "outcome": outcome,
        "pipeline_value": pipeline,
        "won_value": won_value,
        "won_date": won_date,
    })
