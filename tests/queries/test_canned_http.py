"""The canned-query API over real HTTP: formats, paging, errors in one shape, caching headers."""

from __future__ import annotations

import csv
import io

import pytest
import requests

JSON, CSV, SRJ, HTML = "application/json", "text/csv", "application/sparql-results+json", "text/html"


def get(live_server: str, path: str, accept: str | None = None, **params) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(live_server + path, params=params, headers=headers, timeout=30)


@pytest.mark.parametrize("how", ["accept", "suffix", "format"])
@pytest.mark.parametrize("fmt, media", [("json", JSON), ("csv", CSV), ("srj", SRJ)])
def test_every_format_by_accept_suffix_and_parameter(live_server, how, fmt, media):
    if how == "accept":
        response = get(live_server, "/queries/who-funds-whom", media, recipient="dyzo")
    elif how == "suffix":
        response = get(live_server, f"/queries/who-funds-whom.{fmt}", recipient="dyzo")
    else:
        response = get(live_server, "/queries/who-funds-whom", "text/html", recipient="dyzo", _format=fmt)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media)
    if fmt == "json":
        assert [r["total"] for r in response.json()["rows"]] == [585000, 585000]
    elif fmt == "srj":
        body = response.json()
        assert body["head"]["vars"][:2] == ["funder", "recipient"] and "instrument" not in body["head"]["vars"]
        assert body["results"]["bindings"][0]["total"] == {
            "type": "literal", "value": "585000", "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}
    else:
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [r["total"] for r in rows] == ["585000", "585000"]
        assert rows[0]["recipientLabel"] == "Dyzo" and rows[0]["recipient"].endswith("/id/organisation/dyzo")


def test_curl_gets_json_and_a_browser_gets_the_page(live_server):
    assert get(live_server, "/queries/top-recipients", "*/*").headers["Content-Type"].startswith(JSON)
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = get(live_server, "/queries/top-recipients", browser)
    assert page.headers["Content-Type"].startswith(HTML) and "<table" in page.text


def test_an_unknown_representation_is_a_406(live_server):
    response = get(live_server, "/queries/top-recipients", "image/png")
    assert response.status_code == 406
    response = get(live_server, "/queries/top-recipients", _format="xlsx")
    assert response.status_code == 406 and "xlsx" in response.json()["error"]


def test_paging_with_links(live_server):
    first = get(live_server, "/queries/document-figures.json", document="speurgids-actoren-en-budgetten", _size="100")
    body = first.json()
    assert body["total"] > 500 and body["pages"] == -(-body["total"] // 100) and len(body["rows"]) == 100
    assert body["prev"] is None and "_page=2" in body["next"]
    assert 'rel="next"' in first.headers["Link"] and 'rel="last"' in first.headers["Link"]
    second = requests.get(live_server + body["next"], timeout=30).json()
    assert second["page"] == 2 and second["prev"] is not None
    assert second["rows"][0]["line"] >= body["rows"][-1]["line"]
    last = get(live_server, "/queries/document-figures.json", document="speurgids-actoren-en-budgetten",
               _size="100", _page=str(body["pages"])).json()
    assert last["next"] is None and len(last["rows"]) == body["total"] - 100 * (body["pages"] - 1)
    everything = get(live_server, "/queries/document-figures.json", document="speurgids-actoren-en-budgetten",
                     _size="max").json()
    assert len(everything["rows"]) == body["total"] and everything["pages"] == 1


@pytest.mark.parametrize("params, needle", [
    ({"year": "abc"}, "parameter year: expected a year"),
    ({"funder": "no-such-org"}, "no Organisation"),
    # Paths and IRIs that are no IRI at all (a space, a quote, a '<') name nothing: a 400, never a 500.
    ({"funder": "/id/organisation/a b"}, "parameter funder: no Organisation"),
    ({"funder": "http://exa mple/x"}, "parameter funder: no Organisation"),
    ({"recipient": 'id/"} <x>'}, "parameter recipient: no Organisation"),
    ({"colour": "red"}, "unknown parameter 'colour'; this query takes: funder, recipient, year, instrument, amountType"),
    ({"amountType": "stolen"}, "not one of the allowed values"),
    ({"_page": "0"}, "_page must be"),
    ({"_size": "100000000"}, "_size must be"),
    ({"lang": "fr"}, "lang must be one of"),
])
def test_bad_input_is_a_400_naming_the_parameter(live_server, params, needle):
    response = get(live_server, "/queries/who-funds-whom.json", **params)
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["status"] == 400 and needle in body["error"]


def test_a_repeated_parameter_is_refused(live_server):
    response = requests.get(live_server + "/queries/who-funds-whom.json?year=2022&year=2023", timeout=10)
    assert response.status_code == 400 and "given 2 times" in response.json()["error"]


def test_a_missing_required_parameter_is_a_400_for_the_api_and_a_form_for_a_browser(live_server):
    api = get(live_server, "/queries/sources-mentioning.json")
    assert api.status_code == 400 and "parameter entity is required" in api.json()["error"]
    page = get(live_server, "/queries/sources-mentioning", "text/html")
    assert page.status_code == 200 and 'class="query-missing"' in page.text and "<table" not in page.text


def test_bad_input_on_the_page_shows_the_form_with_the_errors(live_server):
    page = get(live_server, "/queries/who-funds-whom", "text/html", year="abc")
    assert page.status_code == 400 and 'data-parameter="year"' in page.text and "<form" in page.text


def test_unknown_query_is_a_404_listing_the_known_ones(live_server):
    response = get(live_server, "/queries/no-such-question.json")
    assert response.status_code == 404 and "who-funds-whom" in response.json()["error"]


def test_labels_and_headings_follow_the_language(live_server):
    dutch = get(live_server, "/queries/who-funds-whom.json", recipient="dyzo", lang="nl").json()
    english = get(live_server, "/queries/who-funds-whom.json", recipient="dyzo", lang="en").json()
    assert dutch["title"] == "Wie financiert wie" and english["title"] == "Who funds whom"
    assert dutch["columns"][0]["label"] == "Financier" and english["columns"][0]["label"] == "Funder"
    assert dutch["rows"][0]["funderLabel"] == "Agentschap Innoveren en Ondernemen"
    assert english["rows"][0]["funderLabel"] == "Flanders Innovation & Entrepreneurship"


def test_amounts_are_formatted_dutch_and_english_on_the_page(live_server):
    dutch = get(live_server, "/queries/who-funds-whom", "text/html", funder="vlaio", year="2022", lang="nl").text
    english = get(live_server, "/queries/who-funds-whom", "text/html", funder="vlaio", year="2022", lang="en").text
    assert '<td class="num">4.406.216,84</td>' in dutch and '<td class="num">585.000</td>' in dutch
    assert '<td class="num">4,406,216.84</td>' in english and '<td class="num">585,000</td>' in english


def test_an_etag_answers_304_until_the_url_changes(live_server):
    first = get(live_server, "/queries/top-recipients.json")
    tag = first.headers["ETag"]
    assert first.headers["X-Data-Version"] and first.headers["Cache-Control"] == "no-cache"
    again = requests.get(live_server + "/queries/top-recipients.json", headers={"If-None-Match": tag}, timeout=10)
    assert again.status_code == 304
    other = requests.get(live_server + "/queries/top-recipients.json?year=2022", headers={"If-None-Match": tag}, timeout=10)
    assert other.status_code == 200


def test_the_list_of_queries(live_server):
    listing = get(live_server, "/queries.json", lang="en").json()
    names = [q["name"] for q in listing["queries"]]
    assert names[0] == "who-funds-whom" and "document-figures" in names
    assert listing["queries"][0]["title"] == "Who funds whom"
    page = get(live_server, "/queries", "text/html")
    assert all(f'href="/queries/{name}"' in page.text for name in names)


def test_cors_lets_other_sites_read_the_api(live_server):
    response = get(live_server, "/queries/top-recipients.json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Link" in response.headers["Access-Control-Expose-Headers"]
