"""Links to other publishers: confirmed rows only, each with where it was read; bad rows are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.links import COLUMNS, read_links
from loaders.sourcetext import SourceError

HEADER = ",".join(COLUMNS) + "\n"


def test_vlaio_is_the_same_as_its_register_entry(sparql):
    rows = sparql(
        """SELECT ?source WHERE {
             ?vlaio skos:prefLabel "Agentschap Innoveren en Ondernemen"@nl ;
                    owl:sameAs <https://data.vlaanderen.be/id/organisatie/OVO000039> .
             ?link a fg:Link ; rdf:subject ?vlaio ; rdf:object <https://data.vlaanderen.be/id/organisatie/OVO000039> ;
                   dcterms:source ?source }"""
    )
    assert len(rows) == 1 and "OSLO" in rows[0]["source"]


def test_provinces_map_to_nuts_codes(sparql):
    rows = sparql(
        """SELECT ?label ?nuts WHERE { ?p a fg:Place ; skos:prefLabel ?label ; skos:exactMatch ?nuts
             FILTER(LANG(?label) = "nl") } ORDER BY ?nuts"""
    )
    assert [r["nuts"].rsplit("/", 1)[1] for r in rows] == ["BE2", "BE21", "BE22", "BE23", "BE24", "BE25"]
    assert rows[2]["label"] == "Provincie Limburg"


def test_question_407_links_to_its_parliament_page_and_pdf(sparql):
    rows = sparql(
        """SELECT ?page ?pdf WHERE { ?doc fg:sourceFile "001_c5dffb020922f721.txt" ; foaf:page ?page ;
             rdfs:seeAlso ?pdf FILTER(CONTAINS(STR(?pdf), "pfile")) }"""
    )
    assert rows == [
        {
            "page": "https://www.vlaamsparlement.be/parlementaire-documenten/schriftelijke-vragen/1824236",
            "pdf": "https://docs.vlaamsparlement.be/pfile?id=2064561",
        }
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("organisation/vlaio,owl:sameAs,https://data.vlaanderen.be/id/organisatie/OVO39,Wegwijs,OVO39,x,confirmed",
         "does not fit"),
        ("organisation/vlaio,owl:same,https://data.vlaanderen.be/id/organisatie/OVO000039,Wegwijs,OVO000039,x,confirmed",
         "relation"),
        ("organisation/vlaio,owl:sameAs,https://data.vlaanderen.be/id/organisatie/OVO000039,Wegwijs,OVO000040,x,confirmed",
         "does not occur in the IRI"),
        ("organisation/vlaio,owl:sameAs,https://data.vlaanderen.be/id/organisatie/OVO000039,Wegwijs,OVO000039,,confirmed",
         "needs a source"),
        ("organisation/vlaio,owl:sameAs,https://data.vlaanderen.be/id/organisatie/OVO000039,Wegwijs,OVO000039,x,maybe",
         "review"),
    ],
)
def test_bad_rows_are_refused_with_file_and_line(tmp_path: Path, row: str, message: str):
    path = tmp_path / "links.csv"
    path.write_text(HEADER + "place/provincie-limburg,skos:exactMatch,http://data.europa.eu/nuts/code/BE22,NUTS,BE22,x,confirmed\n" + row + "\n")
    with pytest.raises(SourceError) as info:
        read_links(tmp_path)
    assert info.value.line == 3 and message in str(info.value)
    assert str(info.value).startswith(str(path)) or "links.csv:3:" in str(info.value)


def test_unknown_entity_is_refused(tmp_path: Path, built):
    from fundinggraph.namespaces import DataNamespace
    from loaders import links
    from loaders.graph import GraphBuilder

    (tmp_path / "links").mkdir()
    (tmp_path / "links" / "x.csv").write_text(
        HEADER + "organisation/no-such-org,owl:sameAs,https://data.vlaanderen.be/id/organisatie/OVO000001,Wegwijs,OVO000001,x,confirmed\n"
    )
    sources = type(built.sources)(tmp_path, built.sources.documents)
    with pytest.raises(SourceError, match="no-such-org"):
        links.contribute(GraphBuilder(DataNamespace("https://example.org/")), sources, built.registry)
