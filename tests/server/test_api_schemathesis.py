"""Schemathesis against a real server's /openapi.json: generated requests for every canned query.

Bounded: a few dozen positive and a few dozen negative examples per operation. Every answer must be
documented (status, content type, headers, JSON schema), no input may cause a 5xx, and input outside
the schema must be refused. (Schemathesis' lazy pytest loader does not run under pytest 9, so the
strategies are driven with Hypothesis directly.)
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES = 25


def _operations(live_server: str):
    schema = schemathesis.openapi.from_url(live_server + "/openapi.json")
    return [result.ok() for result in schema.include(path_regex=r"^/queries").get_all_operations()]


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_canned_query_api_keeps_its_contract(live_server, mode):
    operations = _operations(live_server)
    assert len(operations) >= 15  # the list and every canned query
    session = requests.Session()
    statuses: dict[int, int] = {}
    for operation in operations:

        # derandomize: the same examples on every run, so CI cannot pass or fail by the luck of a seed.
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            # Valid-by-schema values of IRI parameters are any strings, but only existing entities are
            # accepted (a 400 naming the parameter), so "valid data is accepted" cannot hold for them.
            response = case.call_and_validate(base_url=live_server, session=session,
                                              excluded_checks=[positive_data_acceptance], timeout=30)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        check()
    assert not any(code >= 500 for code in statuses), statuses
    if mode is GenerationMode.POSITIVE:
        assert statuses.get(200, 0) > len(operations)
    else:
        assert statuses.get(400, 0) > 0
