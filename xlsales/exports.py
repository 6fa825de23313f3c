"""CRM export formats: built-in presets for HubSpot, Salesforce and Pipedrive deal
exports, the user's own column mapping (``--map``), closed stage names and the stage
order.

A preset names, for each xlsales column, the export's own column(s), first match wins.
The headers are those of each CRM's standard deal export (HubSpot "All deals" export,
a Salesforce opportunities report exported to CSV, Pipedrive's deals export); a preset
is detected when its stage, deal and creation columns are all in the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from xlsales.errors import InputError

DEAL_COLUMNS = (
    "deal_id",
    "stage",
    "entered_at",
    "status",
    "amount",
    "owner",
    "closed_at",
    "created_at",
    "last_change_at",
)

PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "hubspot": {
        "deal_id": ("Record ID", "Deal ID", "Deal Name"),
        "stage": ("Deal Stage",),
        "amount": ("Amount",),
        "created_at": ("Create Date",),
        "last_change_at": ("Last Modified Date", "Last Activity Date"),
        "closed_at": ("Close Date",),
        "owner": ("Deal owner", "Deal Owner"),
    },
    "salesforce": {
        "deal_id": ("Opportunity ID", "Opportunity Name"),
        "stage": ("Stage",),
        "amount": ("Amount",),
        "created_at": ("Created Date",),
        "last_change_at": ("Last Stage Change Date", "Last Modified Date"),
        "closed_at": ("Close Date",),
        "owner": ("Opportunity Owner",),
    },
    "pipedrive": {
        "deal_id": ("Deal - ID", "Deal - Title"),
        "stage": ("Deal - Stage",),
        "status": ("Deal - Status",),
        "amount": ("Deal - Value",),
        "created_at": ("Deal - Deal created",),
        "last_change_at": ("Deal - Last stage change", "Deal - Update time"),
        "closed_at": ("Deal - Deal closed on", "Deal - Won time", "Deal - Lost time"),
        "owner": ("Deal - Owner",),
    },
}
PRESET_NAMES = {"hubspot": "HubSpot", "salesforce": "Salesforce", "pipedrive": "Pipedrive"}

# Each CRM's default sales pipeline, top first, for snapshots read without --stages.
DEFAULT_STAGES: dict[str, tuple[str, ...]] = {
    "hubspot": (
        "Appointment Scheduled",
        "Qualified To Buy",
        "Presentation Scheduled",
        "Decision Maker Bought-In",
        "Contract Sent",
        "Closed Won",
    ),
    "salesforce": (
        "Prospecting",
        "Qualification",
        "Needs Analysis",
        "Value Proposition",
        "Id. Decision Makers",
        "Perception Analysis",
        "Proposal/Price Quote",
        "Negotiation/Review",
        "Closed Won",
    ),
    "pipedrive": (
        "Lead In",
        "Contact Made",
        "Demo Scheduled",
        "Proposal Made",
        "Negotiations Started",
        "Won",
    ),
}

WON_STAGES = ("won", "closed won")
LOST_STAGES = ("lost", "closed lost")


def closed_status(stage: str) -> str | None:
    """'won' or 'lost' for a closed stage name (any case), else None.

    >>> closed_status("Closed Won"), closed_status("LOST"), closed_status("Proposal")
    ('won', 'lost', None)
    """
    key = " ".join(str(stage).split()).lower()
    return "won" if key in WON_STAGES else "lost" if key in LOST_STAGES else None


class Reading(NamedTuple):
    """Which columns of the file became which xlsales column, and why."""

    renames: dict[str, str]  # file column -> xlsales column
    preset: str | None
    how: str  # for the report: "HubSpot preset (detected)", "--map ...", ...


def parse_map(text: str | None, allowed: Sequence[str] = DEAL_COLUMNS) -> dict[str, str]:
    """``"Your name=deal_id,Phase=stage"`` as a mapping, every item checked.

    >>> parse_map("Opportunity=deal_id, Phase=stage")
    {'Opportunity': 'deal_id', 'Phase': 'stage'}
    """
    if text is None:
        return {}
    out: dict[str, str] = {}
    items = str(text).split(",")
    for i, item in enumerate(items):
        if item.strip() == "":
            raise InputError(
                f"--map item {i + 1} of {len(items)} is empty (a stray comma?): "
                "use 'Your column=xlsales column,...'"
            )
        if item.count("=") != 1:
            raise InputError(
                f"--map item {item.strip()!r} must be 'Your column=xlsales column' "
                f"(one '='), e.g. 'Opportunity=deal_id'"
            )
        theirs, ours = (part.strip() for part in item.split("="))
        if not theirs or not ours:
            raise InputError(f"--map item {item.strip()!r} has a blank side: name both columns")
        if ours not in allowed:
            raise InputError(
                f"--map item {item.strip()!r}: {ours!r} is not one of: {', '.join(allowed)}"
            )
        if theirs in out:
            raise InputError(f"--map names the column {theirs!r} twice")
        if ours in out.values():
            first = next(k for k, v in out.items() if v == ours)
            raise InputError(
                f"--map maps both {first!r} and {theirs!r} onto {ours}: one column each"
            )
        out[theirs] = ours
    return out


def _preset_renames(name: str, columns: Sequence[str]) -> dict[str, str]:
    renames = {}
    for ours, candidates in PRESETS[name].items():
        for theirs in candidates:
            if theirs in columns and theirs not in renames:
                renames[theirs] = ours
                break
    return renames


def detect_preset(columns: Sequence[str]) -> str | None:
    """The preset whose stage, deal and creation columns the file has, if one does."""
    for name, spec in PRESETS.items():
        renames = _preset_renames(name, columns)
        if {"deal_id", "stage", "created_at"} <= set(renames.values()) and spec["stage"][
            0
        ] in columns:
            return name
    return None


def reading(
    columns: Sequence[str],
    mapping: Mapping[str, str] | None = None,
    preset: str | None = None,
    allowed: Sequence[str] = DEAL_COLUMNS,
    detect: bool = True,
) -> Reading:
    """Work out how the file's columns are read: a preset (given or detected), then the
    user's mapping on top. Refuses a mapping that names a column the file lacks or
    that would give two columns one name."""
    columns = [str(c) for c in columns]
    mapping = dict(mapping or {})
    if preset is not None:
        key = str(preset).strip().lower()
        if key not in PRESETS:
            raise InputError(f"preset={preset!r} must be one of: {', '.join(PRESETS)}")
        preset, how = key, f"{PRESET_NAMES[key]} preset"
    elif detect and not mapping and not set(allowed) & set(columns):
        preset = detect_preset(columns)
        how = f"{PRESET_NAMES[preset]} preset (detected)" if preset else "xlsales column names"
    else:
        how = "xlsales column names"
    renames = _preset_renames(preset, columns) if preset else {}
    missing = [c for c in mapping if c not in columns]
    if missing:
        raise InputError(
            f"--map names column(s) {', '.join(map(repr, missing))} that the file does not "
            f"have; its columns are: {', '.join(columns)}"
        )
    for theirs, ours in mapping.items():
        renames = {k: v for k, v in renames.items() if v != ours and k != theirs}
        renames[theirs] = ours
    if mapping:
        shown = ",".join(f"{k}={v}" for k, v in mapping.items())
        how = f"{how} with --map {shown}" if preset else f"--map {shown}"
    final = [renames.get(c, c) for c in columns]
    for name in set(final):
        sources = [c for c, f in zip(columns, final) if f == name]
        if len(sources) > 1 and name in allowed:
            raise InputError(
                f"columns {', '.join(map(repr, sources))} would all be read as {name}: "
                "map only one of them (--map)"
            )
    return Reading(renames, preset, how)
