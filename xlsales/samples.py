"""Built-in sample data: realistic, seeded, so the demo needs nothing of the user's.

Each function builds the same rows every time (numpy's PCG64 with a fixed seed).
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pandas as pd

from xlsales.records import Provenance

OWNERS = ("Anna Berg", "Ben Okafor", "Chloe Martin", "David Novak")
CLUSTERS = ("Manufacturing", "Retail", "Healthcare", "Logistics", "Software")
REPS = ("Anna Berg", "Ben Okafor", "Chloe Martin")
_FIRST = (
    "Nord",
    "Alpen",
    "Blue",
    "Cedar",
    "Delta",
    "Echo",
    "Falk",
    "Granit",
    "Helio",
    "Iris",
    "Juno",
    "Kraft",
    "Lumen",
    "Mira",
    "Nova",
    "Orbit",
    "Pine",
    "Quant",
    "Rhein",
    "Sol",
)
_SECOND = (
    "Tech",
    "Logistik",
    "Foods",
    "Medical",
    "Systems",
    "Retail",
    "Works",
    "Pharma",
    "Energy",
    "Labs",
)
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
    return pd.DataFrame(
        {
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
        }
    )


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
    dates = sorted(rng.choice(np.array(workdays, dtype=object), count))
    prospects = _names(rng, 160)
    outcome = rng.choice(OUTCOMES, count, p=[0.38, 0.2, 0.22, 0.12, 0.08])
    creates = np.isin(outcome, ["meeting booked", "proposal sent"])
    pipeline = np.where(creates, np.round(rng.lognormal(9.6, 0.8, count), -2), 0.0)
    won = creates & (rng.uniform(size=count) < 0.35)
    won_value = np.where(won, np.round(pipeline * rng.uniform(0.6, 1.0, count), -2), 0.0)
    lag = rng.integers(20, 150, count)
    won_date = [d + dt.timedelta(days=int(k)) if w else None for d, k, w in zip(dates, lag, won)]
    return pd.DataFrame(
        {
            "source_row": np.arange(2, count + 2),
            "date": dates,
            "rep": rng.choice(REPS, count),
            "type": rng.choice(
                ["call", "e-mail", "LinkedIn message", "meeting"], count, p=[0.45, 0.3, 0.15, 0.1]
            ),
            "prospect": rng.choice(prospects, count),
            "outcome": outcome,
            "pipeline_value": pipeline,
            "won_value": won_value,
            "won_date": won_date,
        }
    )


CRM_STAGES = ("Lead", "Qualified", "Meeting", "Proposal", "Won")
_STEP_RATES = (0.45, 0.6, 0.55, 0.4)  # the true rates the generator draws from
_STAGE_MEDIAN_DAYS = (6, 10, 14, 21)


def sample_crm(
    deals: int = 3000, as_of: dt.date = dt.date(2026, 10, 31), seed: int = 5
) -> pd.DataFrame:
    """A synthetic CRM stage-history export: one row per deal and stage entered.

    Deals are created over the year before ``as_of`` and move down Lead, Qualified,
    Meeting, Proposal, Won with the step rates 45 %, 60 %, 55 %, 40 % and lognormal
    days per stage (medians 6, 10, 14, 21). On the way: about 5 % of intermediate
    stages are skipped (no row), a deal whose next step would fall after ``as_of`` is
    still open, about 4 % of lost deals are reopened (the stage they were lost at is
    entered again, a duplicate, and they go on), about 1 % of rows are exported twice,
    and about 0.5 % of deals carry one stage date that runs backwards. A closed deal
    closes 0 to 4 days after its last stage change, but never after ``as_of``: nothing
    in the export is dated after the day it was exported. Columns: deal_id, stage,
    entered_at, status, amount, owner, closed_at.
    """
    rng = np.random.default_rng(seed)
    rows: list[tuple] = []
    start = as_of - dt.timedelta(days=365)
    for k in range(deals):
        deal = f"D{k + 1:05d}"
        owner = OWNERS[int(rng.integers(len(OWNERS)))]
        amount = float(np.round(rng.lognormal(9.8, 0.7), -2))
        day = start + dt.timedelta(days=int(rng.integers(0, 365)))
        entries = [(0, day)]
        stage, status, reopened = 0, "open", False
        while stage < len(CRM_STAGES) - 1:
            wait = int(np.ceil(rng.lognormal(np.log(_STAGE_MEDIAN_DAYS[stage]), 0.5)))
            next_day = entries[-1][1] + dt.timedelta(days=wait)
            if next_day > as_of:
                break  # still open at this stage
            if rng.uniform() >= _STEP_RATES[stage]:
                if not reopened and rng.uniform() < 0.04:  # lost, then reopened
                    reopened = True
                    entries.append((stage, next_day))
                    continue
                status = "lost"
                break
            stage += 1
            skip = 0 < stage < len(CRM_STAGES) - 1 and rng.uniform() < 0.05
            if not skip:
                entries.append((stage, next_day))
        if stage == len(CRM_STAGES) - 1:
            status = "won"
        if rng.uniform() < 0.005 and len(entries) > 2:  # a date typed wrongly
            i = int(rng.integers(1, len(entries)))
            entries[i] = (entries[i][0], entries[0][1] - dt.timedelta(days=3))
        closed = (  # closed 0 to 4 days after the last stage change, never after as_of
            min(entries[-1][1] + dt.timedelta(days=int(rng.integers(0, 5))), as_of)
            if status != "open"
            else None
        )
        for stage_index, when in entries:
            rows.append((deal, CRM_STAGES[stage_index], when, status, amount, owner, closed))
            if rng.uniform() < 0.01:
                rows.append(rows[-1])  # exported twice
    return pd.DataFrame(
        rows, columns=["deal_id", "stage", "entered_at", "status", "amount", "owner", "closed_at"]
    )


def provenance(frame: pd.DataFrame, made_by: str) -> Provenance:
    """The Cover's provenance for built-in sample data: what made it, its rows, a digest.

    The digest is over the frame as CSV (no index, ``\\n`` line ends, UTF-8), so an
    auditor recomputes it from the same function::

        sha256(made_by().to_csv(index=False, lineterminator="\\n").encode("utf-8"))

    Examples
    --------
    >>> p = provenance(sample_accounts(), "sample_accounts")
    >>> p.source, p.rows
    ('built-in sample data: xlsales.samples.sample_accounts()', 120)
    >>> p.sha256 == hashlib.sha256(
    ...     sample_accounts().to_csv(index=False, lineterminator="\\n").encode()).hexdigest()
    True
    """
    text = frame.to_csv(index=False, lineterminator="\n")
    return Provenance(
        f"built-in sample data: xlsales.samples.{made_by}()",
        len(frame),
        hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
