"""CRM export reading rules by hand, each limit on and beside it (issue 16: exports.py).

A preset is detected when its deal, stage and creation columns are all in the file
(exactly those three is enough) and only when the file has no xlsales column name and no
--map; the user's --map then replaces whatever the preset read into the same column.
"""

from __future__ import annotations

import re

import pytest

from xlsales import exports
from xlsales.errors import InputError

HUBSPOT_CORE = ["Record ID", "Deal Stage", "Create Date"]


def refused(message):
    return pytest.raises(InputError, match=f"^{re.escape(message)}$")


def test_parse_map_refusals_in_words():
    with refused(
        "--map item 2 of 2 is empty (a stray comma?): use 'Your column=xlsales column,...'"
    ):
        exports.parse_map("Opp=deal_id,")
    # one blank side is enough to refuse (the other named)
    for text in ("=deal_id", "Opp= "):
        with refused(f"--map item {text.strip()!r} has a blank side: name both columns"):
            exports.parse_map(text)
    with refused("--map item 'Opp=dealid': 'dealid' is not one of: a, deal_id"):
        exports.parse_map("Opp=dealid", allowed=("a", "deal_id"))


def test_detect_preset_needs_all_three_core_columns():
    # exactly deal, stage and creation columns: on the limit, detected
    assert exports.detect_preset(HUBSPOT_CORE) == "hubspot"
    # the stage column alone (or without the creation date) is not a HubSpot file
    assert exports.detect_preset(["Deal Stage", "Amount"]) is None
    assert exports.detect_preset(["Record ID", "Deal Stage"]) is None


def test_reading_reports_how_the_columns_were_read():
    # plain xlsales names: nothing detected
    plain = exports.reading(["deal_id", "stage", "entered_at"])
    assert (plain.preset, plain.how, plain.renames) == (None, "xlsales column names", {})
    # no xlsales name and no preset's columns: detection finds nothing, read as they are
    unknown = exports.reading(["Foo", "Bar"])
    assert (unknown.preset, unknown.how, unknown.renames) == (None, "xlsales column names", {})
    # an xlsales name present: no detection even though HubSpot's three columns are there
    mixed = exports.reading(["deal_id", *HUBSPOT_CORE])
    assert mixed.preset is None and mixed.how == "xlsales column names"
    # a --map given: no detection either; the report names the mapping, items joined by ","
    mapped = exports.reading([*HUBSPOT_CORE, "Phase"], {"Phase": "stage", "Record ID": "deal_id"})
    assert mapped.preset is None
    assert mapped.how == "--map Phase=stage,Record ID=deal_id"
    # detected: named so
    detected = exports.reading(HUBSPOT_CORE)
    assert (detected.preset, detected.how) == ("hubspot", "HubSpot preset (detected)")


def test_map_on_a_preset_replaces_only_its_own_column():
    # HubSpot preset given; --map reads "Pipeline Stage" as the stage: the preset's
    # "Deal Stage" -> stage is dropped, its deal id and creation date stay
    r = exports.reading([*HUBSPOT_CORE, "Pipeline Stage"], {"Pipeline Stage": "stage"}, "HubSpot")
    assert r.preset == "hubspot"
    assert r.renames == {
        "Record ID": "deal_id",
        "Create Date": "created_at",
        "Pipeline Stage": "stage",
    }
    assert r.how == "HubSpot preset with --map Pipeline Stage=stage"


def test_reading_refusals_in_words():
    with refused("preset='Zoho' must be one of: hubspot, salesforce, pipedrive"):
        exports.reading(HUBSPOT_CORE, preset="Zoho")
    with refused(
        "--map names column(s) 'Phase', 'Opp' that the file does not have; "
        "its columns are: deal_id, stage"
    ):
        exports.reading(["deal_id", "stage"], {"Phase": "stage", "Opp": "owner"})
    # two columns read as one xlsales column (two is already one too many)
    with refused(
        "columns 'deal_id', 'Opp' would all be read as deal_id: map only one of them (--map)"
    ):
        exports.reading(["deal_id", "Opp"], {"Opp": "deal_id"})
