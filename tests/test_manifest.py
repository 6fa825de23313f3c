"""The add-in manifest against the Office add-in manifest schema (tests/data/office_manifest).

See tests/data/office_manifest/README.md for what the schema covers and why it is not
Microsoft's full XSD. Every resource a manifest refers to must also be defined.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import xmlschema
from conftest import DATA

from frontdoors import web

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
        # every icon in three sizes
        ('<bt:Image size="80" resid="Icon.80" />', "", False),
        # a button does something
        ('<Action xsi:type="ShowTaskpane">', '<Action xsi:type="Action">', False),
        # one resource per id
        ('<bt:String id="Group.Label"', '<bt:String id="Tab.Label"', False),
    ],
)
def test_schema_refuses_what_it_must(old, new, valid):
    assert (errors(_edited(old, new)) == []) is valid
