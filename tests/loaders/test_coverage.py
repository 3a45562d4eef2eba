"""Coverage of the money figures of the sources: the detector on real lines, the checker on a hand-built
store, the `fundinggraph coverage` command over a subprocess, and the acceptance bar on the real graph."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Store

from fundinggraph.namespaces import DCTERMS, FG, PROV, XSD
from loaders.coverage import check, is_carried
from loaders.moneyscan import CHART, PROSE, TABLE, Mention, scan_sources, scan_text
from loaders.sourcetext import SourceDocument, SourceSet, read_sources

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "fundinggraph", "coverage"]
FILES = {
    "000": "000_3b319597539220f9.txt",
    "001": "001_c5dffb020922f721.txt",
    "002": "002_10242594fcc9f4a0.txt",
    "003": "003_040c11a4c0563b9a.txt",
    "004": "004_f8ab1d6f90289adf.txt",
}


@pytest.fixture(scope="module")
def sources() -> SourceSet:
    return read_sources(ROOT / "sources")


@pytest.fixture(scope="module")
def mentions(sources: SourceSet) -> list[Mention]:
    return scan_sources(sources)


def on_line(mentions: list[Mention], key: str, line: int) -> list[tuple[str, str | None, str]]:
    """(text, euro value, kind) of the figures that start on ``line`` of document ``key``."""
    return [
        (m.text, None if m.value is None else format(m.value, "f"), m.kind)
        for m in mentions
        if m.file == FILES[key] and m.line == line
    ]


# -- detector: prose ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "line", "text", "value"),
    [
        ("000", 56, "1.440.000,00 euro", "1440000"),
        ("000", 73, "9.275.232,85 euro", "9275232.85"),
        ("002", 405, "20,7 miljoen euro", "20700000"),
        ("002", 50, "3,194 miljard euro", "3194000000"),
        ("002", 1308, "16.230€", "16230"),
        ("002", 1304, "€ 2196,06", "2196.06"),
        ("002", 1375, "500 k€/j", "500000"),
        ("002", 1759, "343 kEUR", "343000"),
        ("002", 1758, "5,5 MEUR", "5500000"),
        ("002", 1958, "1,8 M euro", "1800000"),
        ("002", 1916, "17.6 miljoen euro", "17600000"),
        ("002", 982, "2,0 miljard EUR", "2000000000"),
        ("002", 867, "€10 miljoen", "10000000"),
        ("002", 670, "drie miljard euro", "3000000000"),
        ("002", 840, "2,7 euro", "2.7"),
        ("002", 303, "195 miljoen euro", "195000000"),  # in a row label of Tabel 8: prose, not a cell
        ("004", 52, "6,750 mln euro", "6750000"),
        ("004", 52, "14,250 miljoen euro", "14250000"),
        ("003", 5, "20.000 euro", "20000"),
    ],
)
def test_prose_amounts_with_their_unit(mentions, key, line, text, value):
    assert (text, value, PROSE) in on_line(mentions, key, line)


@pytest.mark.parametrize(
    ("key", "line", "expected"),
    [
        ("002", 932, [("50.000", "50000"), ("600.000 euro", "600000")]),
        ("002", 873, [("€250.000", "250000"), ("€1.000.000", "1000000")]),
        ("002", 1070, [("€10.000", "10000"), ("€50.000", "50000")]),
        ("002", 940, [("50.000 euro", "50000"), ("250.000 euro", "250000")]),
        ("002", 996, [("5", "5000000"), ("50 miljoen EUR", "50000000")]),
        ("002", 777, [("102 miljoen euro", "102000000"), ("2,5 miljoen", "2500000"), ("3,5 miljoen euro", "3500000")]),
        ("002", 1845, [("4,7", "4700000"), ("1,5 miljoen euro", "1500000")]),  # "4,7 respectievelijk 1,5 ..."
        ("002", 1063, [("50.000", "50000"), ("450.000 euro", "450000"), ("50.000", "50000"),
                       ("150.000 euro", "150000")]),
    ],
)
def test_both_ends_of_ranges_and_lists(mentions, key, line, expected):
    assert [(t, v) for t, v, _ in on_line(mentions, key, line)] == expected


def test_a_figure_broken_over_two_lines_is_one_mention_with_its_span(mentions):
    found = {(m.file, m.line): m for m in mentions}
    for key, line, end, text in [("004", 12, 13, "58 miljoen euro"), ("002", 1063, 1064, "150.000 euro"),
                                 ("002", 957, 958, "22,225 miljoen euro"), ("002", 161, 162, "91 miljoen euro")]:
        m = next(m for m in mentions if m.file == FILES[key] and m.line == line and m.text == text)
        assert m.end_line == end
    assert (FILES["004"], 13) not in found  # "miljoen euro" alone is no second figure


def test_garbled_figures_are_listed_without_a_value(mentions):
    assert on_line(mentions, "002", 2993) == [("392470 miljard euro", None, PROSE)]


def test_in_2016_en_2017_resp_is_no_range_of_years(mentions):
    assert on_line(mentions, "004", 56) == []
    assert [t for t, _, _ in on_line(mentions, "004", 57)] == ["145,585 mln euro", "102,493 mln euro"]


# -- detector: tables ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "line", "table", "expected"),
    [
        ("002", 183, "Tabel 8", ["111750000", "82570000", "120750000", "84250000", "84250000", "93900000",
                                 "84250000", "81750000", "76750000", "76750000"]),
        ("002", 199, "Tabel 8", ["0", "1220000", "1220000", "0"]),
        ("002", 360, "Tabel 8", ["0", "200000", "200000", "250000", "250000", "250000", "250000", "260000"]),
        ("002", 386, "Tabel 8", ["352730000", "325740000", "376110000", "400740000", "399350000", "515010000",
                                 "565040000", "419700000", "439960000", "842160000"]),
        ("002", 413, "Tabel 9", ["14763113"]),
        ("002", 453, "Tabel 10", ["43182662.87"]),
        ("002", 478, "Tabel 11", ["25000", "25000"]),
        ("002", 495, "Tabel 12", ["8473038"]),
        ("002", 561, "Tabel 13", ["9548000", "2000"]),  # not the counts 4.768 and 4.774
        ("002", 573, "Tabel 13", ["10663840"]),
        ("002", 1473, "Tabel 16", ["132000"]),
        ("002", 1477, "Tabel 16", ["9000000"]),  # "Intercluster 7 9": 7 projects, 9 MEUR
        ("002", 1514, "Tabel 17", ["4700000", "2900000"]),
        ("002", 1524, "Tabel 17", ["47700000", "45800000", "85300000", "55000000", "58000000", "49500000"]),
        ("002", 1562, "Tabel 18", ["1197922"]),
        ("002", 1570, "Tabel 18", ["7553599"]),  # the Totaal row has no € of its own
        ("002", 1926, "Tabel 27", ["300000"]),  # "Energiestudie 2050+ 1 0,3"
        ("001", 42, "Toegekende Steun 2023", ["2300000"]),
        ("001", 48, "Toegekende Steun 2023", ["4035000"]),
        ("001", 62, "Totaal toegekende Steun (meerjarig)", ["250000"]),  # not the 15 months
        ("004", 44, "VAK/VEK", ["14250000"]),  # "2016 14.250.000 (2) (3)"
        ("004", 46, "VAK/VEK", ["58000000", "45800000"]),
    ],
)
def test_money_cells_of_tables(mentions, key, line, table, expected):
    cells = [m for m in mentions if m.file == FILES[key] and m.line == line and m.kind == TABLE]
    assert {m.table for m in cells} == {table}
    assert [format(m.value, "f") for m in cells] == expected


def test_unitless_subsidy_tables_say_they_count_as_euro(mentions):
    cells = [m for m in mentions if m.file == FILES["001"]]
    assert len(cells) == 16 and all(m.kind == TABLE and "counted as euro" in m.note for m in cells)


def test_tabel_8_has_a_cell_for_every_decimal_across_its_page_breaks(mentions):
    cells = [m for m in mentions if m.table == "Tabel 8"]
    assert len(cells) == 516
    assert min(m.line for m in cells) == 183 and max(m.line for m in cells) == 386
    assert {m.line for m in cells} >= {229 + 2, 296 + 2, 358 + 2}  # first rows after each repeated header


@pytest.mark.parametrize(
    ("key", "line"),
    [
        ("000", 49),  # "op vraag nr. 307 van 20 januari 2023"
        ("002", 431),  # "van 40% naar 30%"
        ("002", 921),  # Figuur 30 "(in 1000 euro)": a unit, no figure
        ("002", 758),  # page number
        ("002", 1104),  # "100.000 leerlingen"
        ("002", 1465),  # "# projecten steun (MEUR)"
        ("002", 1490),  # the years over Tabel 17
        ("002", 1920),  # "Beslist in 2022" over Tabel 27
        ("002", 2416),  # "2.043 aanvragen 2022 met 5.688 vrachtwagens"
        ("002", 3098),  # "60 100% Europese cofinanciering"
        ("003", 75),  # "2.500 starters"
        ("004", 42),  # "2014 n.v.t. (1) n.v.t. (1)"
        ("004", 3),  # "Zo'n 1500 grote, middelgrote en kleine ondernemingen"
    ],
)
def test_numbers_that_are_no_money_are_not_counted(mentions, key, line):
    assert on_line(mentions, key, line) == []


def test_counts_next_to_amounts_are_not_counted(mentions):
    assert [t for t, _, _ in on_line(mentions, "002", 442)] == ["43 miljoen euro"]  # not "142.927"
    assert [t for t, _, _ in on_line(mentions, "002", 495)] == ["€ 8.473.038,00"]  # not "257 €"


def test_figuur_26_chart_values_are_listed_apart_and_not_counted(mentions):
    chart = [m for m in mentions if m.kind == CHART]
    assert chart and all(m.table == "Figuur 26" and m.value is None and not m.counted for m in chart)
    assert min(m.line for m in chart) > 674 and max(m.line for m in chart) < 751
    assert "3769" in {m.text for m in chart}


def test_what_the_detector_counts(mentions):
    # The sources are checksummed (sources.yaml): these numbers change only when the detector does.
    counted = [m for m in mentions if m.counted]
    per_doc = {key: sum(m.file == file for m in counted) for key, file in FILES.items()}
    assert per_doc == {"000": 25, "001": 16, "002": 814, "003": 1, "004": 13}
    assert sum(m.kind == PROSE for m in counted) == 214
    assert sum(m.kind == TABLE for m in counted) == 655


def test_a_table_that_moved_is_an_error_not_a_silent_zero():
    with pytest.raises(ValueError, match="Tabel 8"):
        scan_text("002_x.txt", "Inleiding\nTabel 8 staat er niet meer\n", "002")


# -- checker ------------------------------------------------------------------------------------------------
BASE = "https://example.org/"


def _doc(slug: str, text: str) -> SourceDocument:
    return SourceDocument(path=Path(f"{slug}.txt"), key=slug, slug=slug, kind="written-question", text=text,
                          sha256="0" * 64)


@pytest.fixture(scope="module")
def tiny() -> tuple[Store, SourceSet]:
    """Two documents; a.txt lines 2-3 carry 1440000 euro, line 10 a garbled figure; b.txt has no sourceFile."""
    store = Store()

    def add(s: NamedNode, p: NamedNode, o) -> None:
        store.add(Quad(s, p, o, DefaultGraph()))

    doc_a, doc_b = NamedNode(BASE + "id/document/a"), NamedNode(BASE + "id/document/b")
    add(doc_a, FG.sourceFile, Literal("a.txt"))
    for name, doc, start, end in [("ex1", doc_a, 2, 3), ("ex2", doc_a, 10, 10), ("ex3", doc_b, 7, 7)]:
        ex = NamedNode(BASE + "id/excerpt/" + name)
        add(ex, DCTERMS.source, doc)
        add(ex, FG.startLine, Literal(str(start), datatype=XSD.integer))
        add(ex, FG.endLine, Literal(str(end), datatype=XSD.integer))
    flow, result, garbled, other = (NamedNode(BASE + "id/fact/" + n) for n in ("flow", "result", "garbled", "other"))
    add(flow, PROV.wasDerivedFrom, NamedNode(BASE + "id/excerpt/ex1"))
    add(flow, FG.amount, Literal("1440000", datatype=XSD.decimal))
    add(result, PROV.wasDerivedFrom, NamedNode(BASE + "id/excerpt/ex1"))
    add(result, FG.count, Literal("300", datatype=XSD.integer))  # a count is no money
    add(result, FG.maxAmount, Literal("0.132", datatype=XSD.decimal))
    add(result, FG.amountDifference, Literal("7", datatype=XSD.decimal))  # computed at load: no figure
    add(result, FG.percentage, Literal("26.82", datatype=XSD.decimal))  # a percentage is no money
    add(garbled, PROV.wasDerivedFrom, NamedNode(BASE + "id/excerpt/ex2"))
    add(garbled, FG.originalText, Literal("392470 miljard euro"))
    add(other, PROV.wasDerivedFrom, NamedNode(BASE + "id/excerpt/ex3"))
    add(other, FG.minAmount, Literal("50000.00", datatype=XSD.decimal))
    sources = SourceSet(Path("."), (_doc("a", "x\n" * 12), _doc("b", "y\n" * 12)))
    return store, sources


def M(file: str, line: int, value: str | None, text: str = "t", end: int | None = None) -> Mention:
    return Mention(file, line, end or line, 0, text, None if value is None else Decimal(value), PROSE)


@pytest.mark.parametrize(
    ("mention", "carried"),
    [
        (M("a.txt", 2, "1440000.00"), True),  # exact value, written with cents
        (M("a.txt", 3, "1.44E+6"), True),  # the same number, however it is written
        (M("a.txt", 2, "0.1320"), True),  # fg:maxAmount counts too
        (M("a.txt", 2, "1440000.01"), False),  # wrong value: no tolerance
        (M("a.txt", 5, "1440000"), False),  # wrong line
        (M("a.txt", 3, "1440000", end=4), False),  # runs out of the excerpt
        (M("a.txt", 2, "300"), False),  # only an integer count has 300
        (M("a.txt", 2, "7"), False),  # only the reconciliation's fg:amountDifference has 7
        (M("a.txt", 2, "26.82"), False),  # only a percentage has 26.82
        (M("b.txt", 2, "1440000"), False),  # another document
        (M("b.txt", 7, "50000"), True),  # found through the document slug, without fg:sourceFile
        (M("a.txt", 10, None, "392470 miljard euro"), True),  # no value: the original text carries it
        (M("a.txt", 10, None, "392 miljard euro"), False),
        (M("a.txt", 2, None, "1440000"), False),  # a value is no original text
    ],
)
def test_a_mention_is_carried_only_by_its_line_span_and_exact_value(tiny, mention, carried):
    store, sources = tiny
    report = check(store, sources, [mention])
    assert report.checked[0].carried is carried


def test_the_report_counts_per_document_and_against_the_bar(tiny):
    store, sources = tiny
    found = [M("a.txt", 2, "1440000"), M("a.txt", 6, "1"), M("b.txt", 7, "50000"),
             Mention("a.txt", 4, 4, 0, "9", None, CHART)]
    report = check(store, sources, found)
    assert (report.figures, report.carried) == (3, 2)
    assert [(d.file, d.figures, d.carried) for d in report.documents()] == [("a.txt", 2, 1), ("b.txt", 1, 1)]
    assert len(report.charts) == 1
    assert report.meets(Decimal("66.66")) and not report.meets(Decimal("66.67"))
    assert [m.line for m in report.missing()] == [6]
    assert is_carried(found[0], [(1, 2, Decimal("1440000"), None)])


# -- command line ------------------------------------------------------------------------------------------
def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, FUNDINGGRAPH_DATA_DIR=str(data_dir))
    return subprocess.run([*CLI, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("coverage-data")


@pytest.fixture(scope="module")
def as_json(data_dir: Path) -> dict:
    proc = run("--format", "json", "--min", "0", data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_help_explains_the_command(data_dir):
    proc = run("--help", data_dir=data_dir)
    assert proc.returncode == 0
    for phrase in ("monetary figure", "carried", "path:line: text (euro value)", "--from-store", "--min",
                   "--format", "--list-all", "Figuur 26"):
        assert phrase in proc.stdout, phrase


def test_json_lists_every_figure_not_carried_with_file_line_and_exact_value(as_json, mentions):
    counted = [m for m in mentions if m.counted]
    assert as_json["figures"] == len(counted)
    assert [d["file"] for d in as_json["documents"]] == list(FILES.values())
    assert sum(d["figures"] for d in as_json["documents"]) == as_json["figures"]
    missing = as_json["mentions"]
    assert len(missing) == as_json["figures"] - as_json["carried"]
    assert all(not m["carried"] and m["path"].startswith("sources/documents/") for m in missing)
    assert all(m["value"] is None or re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", m["value"]) for m in missing)
    assert as_json["chart_values_not_counted"] == sum(m.kind == CHART for m in mentions)


def test_list_all_lists_the_carried_figures_too(data_dir, as_json):
    proc = run("--format", "json", "--min", "0", "--list-all", data_dir=data_dir)
    everything = json.loads(proc.stdout)["mentions"]
    assert len(everything) == as_json["figures"]
    assert sum(m["carried"] for m in everything) == as_json["carried"]


def test_text_output_lists_what_is_missing_as_path_line_text_value(data_dir, as_json):
    proc = run("--min", "0", data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    for file in FILES.values():
        assert re.search(rf"^  {re.escape(file)} +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+$", proc.stdout, re.M)
    listed = re.findall(r"^(sources/documents/(\S+?)):([0-9]+): (.+) \((unparsed|-?[0-9.]+)\)$", proc.stdout, re.M)
    assert len(listed) == as_json["figures"] - as_json["carried"]
    order = [(file, int(line)) for _, file, line, _, _ in listed]
    assert order == sorted(order)
    assert proc.stdout.rstrip().endswith("meets the required 0 %")


def test_the_exit_status_follows_the_bar(data_dir, as_json):
    exact = Decimal(as_json["carried"] * 100) / Decimal(as_json["figures"])
    at_bar = exact.quantize(Decimal("0.0001"), rounding="ROUND_DOWN")
    assert run("--min", str(at_bar), data_dir=data_dir).returncode == 0
    everything = run("--min", "100", data_dir=data_dir)
    assert everything.returncode == (0 if as_json["carried"] == as_json["figures"] else 1)
    assert ("BELOW" in everything.stdout) is (everything.returncode == 1)
    assert run("--min", "101", data_dir=data_dir).returncode == 2  # not a percentage


@pytest.mark.slow
def test_from_store_checks_the_published_store(tmp_path: Path, as_json):
    empty = run("--from-store", data_dir=tmp_path)
    assert empty.returncode == 1 and "no data loaded yet" in empty.stderr
    env = dict(os.environ, FUNDINGGRAPH_DATA_DIR=str(tmp_path))
    load = subprocess.run([sys.executable, "-m", "fundinggraph", "load", "--no-validate", "--quiet"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert load.returncode == 0, load.stderr
    proc = run("--from-store", "--format", "json", "--min", "0", data_dir=tmp_path)
    published = json.loads(proc.stdout)
    assert published["graph"].startswith("published store")
    assert (published["figures"], published["carried"]) == (as_json["figures"], as_json["carried"])


# -- acceptance ----------------------------------------------------------------------------------------------
def test_the_graph_carries_at_least_95_percent_of_the_money_figures(built):
    report = check(built.store, built.sources)
    groups = "\n".join(f"  {n:4} {file}:{first}-{last} {area}" for file, area, n, first, last in report.missing_by_area())
    passed = report.meets(Decimal(95))
    assert passed, (
        f"{report.carried} of {report.figures} money figures carried ({report.percentage:.1f} %); "
        f"not carried, by area:\n{groups}"
    )
