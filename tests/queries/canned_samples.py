"""A minimal valid canned query, for tests that break it one way at a time."""

GOOD_HEADER = """#+ title: {nl: Test, en: Test}
#+ description: {nl: Een test., en: A test.}
#+ parameters:
#+   year:
#+     type: year
#+     label: {nl: Jaar, en: Year}
#+     description: {nl: Het jaar., en: The year.}
#+ columns:
#+   flow: iri
#+   year: year
"""
GOOD_BODY = "SELECT ?flow $year WHERE { ?flow a fg:FundingFlow ; fg:year $year }\n"
