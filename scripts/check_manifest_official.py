"""Validate the served add-in manifest against Microsoft's official XSD files (run by hand).

    python scripts/check_manifest_official.py XSD_DIR

XSD_DIR holds Microsoft's schema files (not in this repository; how to fetch them:
tests/data/office_manifest/README.md): OfficeAppManifestV1_1.xsd, the root, and what it
imports: OfficeAppBasicTypesV1_0.xsd, TaskPaneAppVersionOverridesV1_0.xsd,
MailAppVersionOverridesV1_0.xsd and MailAppVersionOverridesV1_1.xsd.

Checks ``frontdoors.web.manifest`` (what ``xlsales serve`` hands out at
/xlsales/manifest.xml) without and with the Excel functions, with ``xmlschema``.

Two defects of the published files stop any XSD 1.0 processor but not the .NET one
Microsoft uses; they are corrected in a temporary copy, and each correction is printed:
``xmlns:xs`` bound to ``https://www.w3.org/2001/XMLSchema`` (the namespace is
``http://``), and the .NET lazy quantifier ``{0,3}?`` in the Version pattern (the same
strings match without the ``?``).

``<Runtimes>`` (the shared runtime, which the manifest declares with the functions) is
absent from the published TaskPaneAppVersionOverridesV1_0.xsd though Microsoft's
documentation requires it as the first child of ``<Host>``: an error on it alone is
reported as such, and the manifest is then validated again without it.

Exit status 0 when both manifests are valid (apart from ``<Runtimes>``), 1 otherwise.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
import tempfile
from pathlib import Path

import xmlschema

from frontdoors import web

ROOT = "OfficeAppManifestV1_1.xsd"
BASE = "https://addins.example.com"
FIXES = [
    ('xmlns:xs="https://www.w3.org/2001/XMLSchema"', 'xmlns:xs="http://www.w3.org/2001/XMLSchema"'),
    ('{0,3}?"', '{0,3}"'),
]


def _copy_fixed(folder: Path, out: Path) -> list[str]:
    """Copy the root schema and everything it imports into ``out``, correcting FIXES."""
    missing, todo, seen = [], [ROOT], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        src = folder / name
        if not src.is_file():
            missing.append(name)
            continue
        data = src.read_bytes()
        print(f"  {name}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
        text = data.decode("utf-8")
        for old, new in FIXES:
            if old in text:
                print(f"    corrected {old!r} -> {new!r} ({text.count(old)}x)")
                text = text.replace(old, new)
        (out / name).write_text(text, encoding="utf-8")
        todo += re.findall(r'schemaLocation="([^"]+)"', text)
    return missing


def _without_runtimes(text: str) -> str:
    """The manifest with its ``<Runtimes>`` element(s) cut out (text kept as it is)."""
    return re.sub(r"\s*<Runtimes>.*?</Runtimes>", "", text, flags=re.S)


def check(schema: xmlschema.XMLSchema, functions: bool) -> bool:
    """Print the verdict on the manifest with or without the functions; True if valid."""
    label = f"manifest {'with' if functions else 'without'} the Excel functions"
    text = web.manifest(BASE, functions)
    errors = list(schema.iter_errors(text))
    if not errors:
        print(f"{label}: valid")
        return True
    if all("Runtimes" in (e.reason or "") for e in errors):
        print(f"{label}: <Runtimes> refused ({errors[0].reason}); it is not in this XSD")
        errors = list(schema.iter_errors(_without_runtimes(text)))
        if not errors:
            print(f"{label}: valid apart from <Runtimes>")
            return True
    print(f"{label}: {len(errors)} error(s)")
    for e in errors:
        print(f"  {e.path}: {e.reason}")
    return False


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not (Path(argv[0]) / ROOT).is_file():
        print(f"usage: check_manifest_official.py XSD_DIR (a folder with {ROOT})")
        return 2
    tmp = Path(tempfile.mkdtemp())
    try:
        print(f"XSD files in {argv[0]}:")
        missing = _copy_fixed(Path(argv[0]), tmp)
        if missing:
            print(f"missing in {argv[0]}: {', '.join(missing)} (imported by the others)")
            return 1
        schema = xmlschema.XMLSchema(str(tmp / ROOT))
        print(f"xmlschema {xmlschema.__version__}: schema built")
        return 0 if all([check(schema, False), check(schema, True)]) else 1
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
