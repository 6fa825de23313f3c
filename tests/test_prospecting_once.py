"""payoff_blocks with the prospects a caller already has (verify's recalculation computes
them once for the Prospects table and the blocks) gives the blocks it computes alone."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from xlsales import prospecting, samples


def test_payoff_blocks_from_given_prospects_equal_its_own():
    log = samples.sample_activities(300)
    start, as_of = dt.date(2026, 3, 2), dt.date(2026, 8, 28)
    people = prospecting.prospects(log, as_of, start, 30, 90)
    alone = prospecting.payoff_blocks(log, start, as_of, 30, 90)
    pd.testing.assert_frame_equal(
        prospecting.payoff_blocks(log, start, as_of, 30, 90, people=people), alone
    )


def test_two_blocks_by_hand_from_given_prospects():
    # Acme: call on 5 Jan (1,000 pipeline), won 800 on 1 Mar; Brix: call on 2 Feb, nothing.
    # Blocks of 30 days from 1 Jan: block 1 = 1-30 Jan (Acme), block 2 = 31 Jan - 1 Mar
    # (Brix). As of 1 March: block 1's payoff runs to 30 Jan + 90 = 30 April: open.
    log = pd.DataFrame(
        {
            "date": [dt.date(2026, 1, 5), dt.date(2026, 2, 2)],
            "rep": ["Ann", "Ann"],
            "type": ["call", "call"],
            "prospect": ["Acme", "Brix"],
            "pipeline_value": [1000.0, 0.0],
            "won_value": [800.0, 0.0],
            "won_date": [dt.date(2026, 3, 1), None],
        }
    )
    as_of = dt.date(2026, 3, 1)
    people = prospecting.prospects(log, as_of, dt.date(2026, 1, 1))
    blocks = prospecting.payoff_blocks(log, dt.date(2026, 1, 1), as_of, people=people)
    assert blocks[
        ["block", "activities", "prospects", "pipeline", "wins", "revenue"]
    ].values.tolist() == [
        [1, 1, 1, 1000.0, 1, 800.0],
        [2, 1, 1, 0.0, 0, 0.0],
    ]
    assert blocks["closed"].tolist() == [False, False]
