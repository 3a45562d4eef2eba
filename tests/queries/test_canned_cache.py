"""The canned result caches: computed once per key in a process, bounded by size, shared between processes."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from pyoxigraph import RdfFormat

from fundinggraph import config
from fundinggraph.store import EmbeddedStores
from server import create_app
from server.canned import bind
from server.canned_cache import ResultCache
from server.canned_output import result_from_json, result_json
from server.canned_shared import SHARED_EXTENSION, SharedResults
from server.queries import get_query, resolve, run


def test_concurrent_misses_compute_a_key_once():
    cache = ResultCache(max_entries=10, max_bytes=1000)
    go, calls, ready = threading.Event(), [], threading.Barrier(7)
    answers: list[str] = []

    def compute():
        calls.append(1)
        go.wait(10)
        return "answer", 10

    def ask():
        ready.wait()
        answers.append(cache.get_or_compute("key", compute))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    ready.wait()
    time.sleep(0.3)  # let the six reach the cache while the first computes
    go.set()
    for thread in threads:
        thread.join(10)
    assert answers == ["answer"] * 6 and len(calls) == 1


def test_a_failed_computation_reaches_every_waiter_and_is_not_kept():
    cache = ResultCache(max_entries=10, max_bytes=1000)

    def broken():
        raise RuntimeError("store gone")

    with pytest.raises(RuntimeError, match="store gone"):
        cache.get_or_compute("key", broken)
    assert cache.get_or_compute("key", lambda: ("fine", 1)) == "fine"


def test_the_cache_is_bounded_by_total_size():
    cache = ResultCache(max_entries=100, max_bytes=100)
    for i in range(5):
        cache.put(i, f"value {i}", 40)
    assert len(cache) == 2 and cache.size <= 100 and cache.get(0) is None and cache.get(4) == "value 4"
    cache.put("huge", "too big", 101)
    assert cache.get("huge") is None


def test_results_survive_the_json_of_the_shared_files(app):
    """Every term of every canned default answer comes back exactly (datatypes, languages, IRIs)."""
    with app.test_request_context("/"):
        for name in app.extensions["fundinggraph.queries"]:
            query = get_query(name)
            args = {p.name: [p.example] for p in query.parameters if p.required}
            _, result = run(query, bind(query, args, resolve))
            again = result_from_json(query, result_json(result))
            assert again == result, name
            assert result_from_json(query, '{"columns": ["other"], "rows": [], "truncated": false}') is None


def test_a_second_process_reads_the_result_the_first_one_wrote(built, tmp_path):
    """Two apps on one data directory (as two workers): the second answers from the first one's file."""
    settings = config.from_env(environ={}, data_dir=str(tmp_path / "data"))
    stores = EmbeddedStores(settings)
    with stores.lock(wait=True):
        version = stores.publish(built.store.dump(format=RdfFormat.N_QUADS)).version
    first, second = create_app(settings), create_app(settings)
    url = "/queries/who-funds-whom.json?recipient=dyzo"
    assert [r["total"] for r in first.test_client().get(url).json["rows"]] == [585000, 585000]

    shared: SharedResults = first.extensions[SHARED_EXTENSION]
    files = list((shared.store_dir / version).glob("*.json"))
    assert len(files) == 1
    written = json.loads(files[0].read_text())
    written["rows"][0][5][1] = "123"  # the total of the first row, as if another worker had computed it
    files[0].write_text(json.dumps(written))
    assert [r["total"] for r in second.test_client().get(url).json["rows"]] == [123, 585000]


def test_a_cache_directory_others_can_write_is_not_used(tmp_path):
    root = tmp_path / "shared"
    root.mkdir()
    os.chmod(root, 0o777)
    shared = SharedResults("embedded|/somewhere", root=root)
    with shared.claim("v1", ("key",)) as path:
        assert path is None
    os.chmod(root, 0o700)
    with shared.claim("v1", ("key",)) as path:
        assert path is not None
        shared.write(path, "{}")
    assert shared.read(path) == "{}"
