"""`claims serve` on a real port keeps answering while `claims` commands write (WAL)."""

import json
import sqlite3
import threading

import pytest

from conftest import EXAMPLE
from servers import free_port, get, serving

STATUSES = ["in-review", "unproven", "not-checkable"]


@pytest.mark.slow
def test_serve_reads_while_commands_write(example_db, run, tmp_path):
    port = free_port()
    args = ["claims", "serve", "--db", example_db, "--port", str(port)]
    with serving(args, port, tmp_path / "serve.log") as base:
        answers, stop = [], threading.Event()

        def read():
            paths = ["/registry/claims.json?_shape=array&_size=max", "/registry/claims/1", "/registry",
                     "/registry/articles/1", "/registry/claims?_facet=status"]
            i = 0
            while not stop.is_set():
                status, _ = get(base + paths[i % len(paths)], timeout=30)
                answers.append((paths[i % len(paths)], status))
                i += 1

        readers = [threading.Thread(target=read)]
        for t in readers:
            t.start()
        try:
            results = []
            for i in range(1, 13):
                results.append(run("source", str(i), f"https://example.org/{i}", "--by", "writer"))
                results.append(run("status", str(i), STATUSES[i % 3], "--by", "writer"))
            second = tmp_path / "second.txt"
            second.write_text(EXAMPLE.read_text(encoding="utf-8").replace("Monday", "Tuesday"), encoding="utf-8")
            results.append(run("extract", str(second)))
        finally:
            stop.set()
            for t in readers:
                t.join()
        assert all(r.exit_code == 0 for r in results), [r.output for r in results if r.exit_code]
        assert answers and all(status == 200 for _, status in answers), [a for a in answers if a[1] != 200]

        status, body = get(base + "/registry/claims.json?article_id=1&_facet=status&_size=0")
        facets = {r["value"]: r["count"] for r in json.loads(body)["facet_results"]["status"]["results"]}
        expected = {s: sum(1 for i in range(1, 13) if STATUSES[i % 3] == s) for s in STATUSES}
        n = sqlite3.connect(example_db).execute("select count(*) from claims where article_id = 1").fetchone()[0]
        expected["unreviewed"] = n - 12
        assert facets == expected
        status, body = get(base + "/registry/articles.json?_shape=array")
        assert status == 200 and len(json.loads(body)) == 2
        status, page = get(base + "/registry/articles/2")
        assert status == 200 and 'class="claims-mark' in page
