"""Every identifier confirmed in the shared list is in sources/links, unless we have nothing it identifies."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from loaders.links import read_links
from loaders.registry import load_registry

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "links" / "identifiers.csv"

#: Confirmed identifiers of things that are not in our sources (no registry entity to attach them to):
#: IRI -> the name the shared list gives. See docs/LINKS.md; add the link when the entity arrives.
NO_SUBJECT = {
    "https://data.vlaanderen.be/id/organisatie/OVO001835": "Agentschap Binnenlands Bestuur",
    "https://data.vlaanderen.be/id/organisatie/OVO000067": "Departement Cultuur Jeugd en Media",
}


@pytest.fixture(scope="module")
def ours() -> set[str]:
    return {row.iri for row in read_links(ROOT / "sources" / "links") if row.review == "confirmed"}


@pytest.mark.skipif(not SHARED.is_file(), reason=f"{SHARED} is not beside this checkout")
def test_every_shared_identifier_is_linked_or_has_no_subject(ours):
    with SHARED.open(encoding="utf-8", newline="") as handle:
        shared = {row["iri"]: row["subject"] for row in csv.DictReader(handle)}
    missing = {iri: name for iri, name in shared.items() if iri not in ours and iri not in NO_SUBJECT}
    assert not missing, f"confirmed identifiers missing from sources/links: {missing}"
    assert set(NO_SUBJECT) <= set(shared)


@pytest.mark.parametrize(("iri", "name"), sorted(NO_SUBJECT.items()))
def test_identifiers_left_out_really_have_no_subject(ours, iri, name):
    registry = load_registry(ROOT / "sources" / "registry")
    variants = {name, name.replace("Cultuur Jeugd", "Cultuur, Jeugd"), name.split(" ", 1)[1]}
    for variant in variants:
        with pytest.raises(KeyError):
            registry.resolve(variant, "organisation")
    assert iri not in ours
