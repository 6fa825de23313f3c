"""The add-in manifest against the Office add-in manifest schema (tests/data/office_manifest).

See tests/data/office_manifest/README.md for what the schema covers, how it was checked
against Microsoft's XSD files and why they are not here (scripts/check_manifest_official.py
validates against them). Rules that Microsoft documents but its XSD does not enforce are
tested here in Python: every resource a manifest refers to is defined, resource ids are
unique, every icon comes in the three mandatory sizes (16, 32 and 80).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import xmlschema
from conftest import DATA

from frontdoors import web
from frontdoors.web import MANIFEST_ID

SCHEMA = xmlschema.XMLSchema(str(DATA / "office_manifest" / "office_app.xsd"))
BASE = "https://addins.example.com"
BT = "{http://schemas.microsoft.com/office/officeappbasictypes/1.0}"
OV = "{http://schemas.microsoft.com/office/taskpaneappversionoverrides}"


def errors(text: str) -> list[str]:
    return [e.reason or str(e) for e in SCHEMA.iter_errors(text)]


@pytest.mark.parametrize("functions", [False, True])
def test_manifest_is_valid(functions):
    assert errors(web.manifest(BASE, functions)) == []


@pytest.mark.parametrize("functions", [False, True])
def test_every_resource_referred_to_is_defined(functions):
    root = ET.fromstring(web.manifest(BASE, functions))
    defined = {
        kind: {e.get("id") for e in root.iter(f"{BT}{tag}")}
        for kind, tag in (("image", "Image"), ("url", "Url"), ("string", "String"))
    }
    wanted = {
        "Image": "image",
        "SourceLocation": "url",
        "FunctionFile": "url",
        "Runtime": "url",
        "Label": "string",
        "Title": "string",
        "Description": "string",
        "Namespace": "string",
    }
    referred = [(e.tag.split("}")[1], e.get("resid")) for e in root.iter() if e.get("resid")]
    assert referred  # the ribbon refers to resources
    for tag, resid in referred:
        assert resid in defined[wanted[tag]], (tag, resid)


ICON_SIZES = {"16", "32", "80"}  # "Mandatory values are 16, 32, and 80" (the XSD's annotation)


def duplicate_ids(text: str) -> list[str]:
    """Resource ids defined twice within one resource list (Images, Urls, ShortStrings, ...)."""
    root = ET.fromstring(text)
    resources = next(root.iter(f"{OV}Resources"))
    return sorted(
        resid
        for kind in resources
        for resid in {e.get("id") for e in kind}
        if sum(e.get("id") == resid for e in kind) > 1
    )


def icons_missing_a_size(text: str) -> list[str]:
    """The ``<Icon>`` lists (by their control's or group's id) without all ICON_SIZES.

    Other sizes may come too (20, 24, 40, 48 and 64 are optional).
    """
    root = ET.fromstring(text)
    return [
        parent.get("id")
        for parent in root.iter()
        for icon in parent.findall(f"{OV}Icon")
        if not ICON_SIZES <= {image.get("size") for image in icon}
    ]


@pytest.mark.parametrize("functions", [False, True])
def test_resource_ids_are_unique_and_icons_in_the_three_sizes(functions):
    text = web.manifest(BASE, functions)
    assert duplicate_ids(text) == []
    assert icons_missing_a_size(text) == []
    assert len(list(ET.fromstring(text).iter(f"{OV}Icon"))) > 1  # the group and the buttons


def test_a_duplicate_id_and_a_missing_icon_size_are_found():
    assert duplicate_ids(_edited('<bt:String id="Group.Label"', '<bt:String id="Tab.Label"')) == [
        "Tab.Label"
    ]
    # the first <Icon> is the group's: it loses its 80-pixel image
    assert icons_missing_a_size(_edited('<bt:Image size="80" resid="Icon.80" />', "")) == [
        "Xlsales.Group"
    ]
    # an optional size in place of the 80-pixel one is still one missing; beside it, fine
    size_80 = '<bt:Image size="80" resid="Icon.80" />'
    assert icons_missing_a_size(_edited(size_80, size_80.replace("80", "64", 1))) == [
        "Xlsales.Group"
    ]
    assert icons_missing_a_size(_edited(size_80, size_80 + size_80.replace("80", "64", 1))) == []


def _edited(old: str, new: str, functions: bool = True) -> str:
    text = web.manifest(BASE, functions)
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    "old, new, valid",
    [
        # resource ids: at most 32 characters ("Tab.Label" + 23 x = 32; one more is 33)
        ('"Tab.Label"', '"Tab.Label' + "x" * 23 + '"', True),
        ('"Tab.Label"', '"Tab.Label' + "x" * 24 + '"', False),
        # short strings: at most 125 characters
        ('DefaultValue="Templates"', 'DefaultValue="' + "T" * 125 + '"', True),
        ('DefaultValue="Templates"', 'DefaultValue="' + "T" * 126 + '"', False),
        # a button's label comes before its tip
        (
            '<Label resid="Pane.Label" />\n                  <Supertip>',
            "<Supertip>",
            False,
        ),
        # an app domain is a long string: at most 250 characters ("https://" 8 + 242 = 250)
        (
            f"<AppDomain>{BASE}</AppDomain>",
            "<AppDomain>https://" + "a" * 242 + "</AppDomain>",
            True,
        ),
        (
            f"<AppDomain>{BASE}</AppDomain>",
            "<AppDomain>https://" + "a" * 243 + "</AppDomain>",
            False,
        ),
        # a button does something
        ('<Action xsi:type="ShowTaskpane">', '<Action xsi:type="Action">', False),
        # the ids and host names the published schema takes
        (MANIFEST_ID, "{" + MANIFEST_ID.upper() + "}", True),
        ('<Host Name="Workbook" />', '<Host Name="Workbook" /><Host Name="Mailbox" />', True),
    ],
)
def test_schema_refuses_what_it_must(old, new, valid):
    assert (errors(_edited(old, new)) == []) is valid


def _cut(pattern: str, text: str) -> tuple[str, str]:
    """``text`` without the first match of ``pattern`` (and the match)."""
    found = re.search(r"\n\s*" + pattern, text, re.S)
    assert found
    return text.replace(found.group(0), "", 1), found.group(0)


def test_schema_refuses_elements_out_of_place():
    text = web.manifest(BASE, True)
    assert errors(text) == []
    # Requirements: after Hosts, before DefaultSettings (where the manifest has them)
    rest, requirements = _cut("<Requirements>.*?</Requirements>", text)
    assert errors(rest) == []
    assert errors(rest.replace("</DefaultSettings>", "</DefaultSettings>" + requirements)) != []
    # Runtimes: the first child of Host (Microsoft's shared-runtime and element-ordering pages)
    rest, runtimes = _cut("<Runtimes>.*?</Runtimes>", text)
    assert errors(rest) == []
    assert errors(rest.replace("</DesktopFormFactor>", "</DesktopFormFactor>" + runtimes)) != []
    # AllFormFactors is a form factor: at least one extension point
    rest, _ = _cut("<AllFormFactors>.*?</AllFormFactors>", text)
    assert errors(rest) == []
    assert errors(rest.replace("</Runtimes>", "</Runtimes><AllFormFactors />")) != []
