"""`claims publish`: a read-only snapshot that Datasette serves immutable, with the plugin."""

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from datasette.app import Datasette

from claims import publishing

from conftest import dump, without_package_plugin


def same_content(a, b) -> bool:
    """The same schema and rows (VACUUM INTO may list indexes in another order)."""
    return sorted(dump(a).splitlines()) == sorted(dump(b).splitlines())


def get(ds, path):
    return asyncio.run(ds.client.get(path))


@pytest.fixture
def site(tmp_path, run, example_db):
    out = tmp_path / "site"
    result = run("publish", str(out))
    assert result.exit_code == 0, result.output
    n = sqlite3.connect(example_db).execute("select count(*) from claims").fetchone()[0]
    assert f"{n} claims from 1 articles" in result.output
    return out


def config_dir_datasette(site):
    """What `datasette serve SITE` builds: a configuration directory."""
    return Datasette(config_dir=Path(site))


def test_publish_writes_a_configuration_directory(site, example_db):
    names = {p.name for p in site.iterdir()}
    assert {"registry.db", "metadata.json", "settings.json", "inspect-data.json", "plugins", "templates",
            "README.md"} <= names
    assert not (site / ".registry.db.tmp").exists()
    conn = sqlite3.connect(site / "registry.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert same_content(site / "registry.db", example_db)
    settings = json.loads((site / "settings.json").read_text())
    assert settings["sql_time_limit_ms"] == 3000 and settings["suggest_facets"] is False
    metadata = json.loads((site / "metadata.json").read_text())
    assert "review_queue" in metadata["databases"]["registry"]["queries"]
    assert metadata["plugins"]["claims"]["read_only"] is True
    assert (site / "plugins" / "claims_registry.py").read_text().startswith('"""Datasette plugin')
    assert (site / "templates" / "claims" / "claim.html").exists()
    inspect = json.loads((site / "inspect-data.json").read_text())
    assert inspect["registry"]["file"] == "registry.db"
    n = sqlite3.connect(example_db).execute("select count(*) from claims").fetchone()[0]
    assert inspect["registry"]["tables"]["claims"]["count"] == n


def test_published_registry_is_immutable_and_refuses_writes(site):
    ds = config_dir_datasette(site)
    databases = get(ds, "/-/databases.json").json()
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("registry", False)]
    assert get(ds, "/-/settings.json").json()["sql_time_limit_ms"] == 3000
    before = dump(site / "registry.db")
    for sql in ["update claims set status = 'false'", "delete from claims", "drop table claims",
                "insert into statuses (name) values ('x')", "attach database 'x.db' as x", "pragma journal_mode = wal"]:
        response = asyncio.run(ds.client.get("/registry.json", params={"sql": sql}))
        assert response.status_code == 400, sql
    for path in ["/registry/review_queue", "/registry", "/registry/claims", "/-/logout", "/registry/claims/1"]:
        response = asyncio.run(ds.client.post(path, data={"sql": "update claims set status = 'false'"}))
        assert response.status_code == 405, path
    assert dump(site / "registry.db") == before
    assert get(ds, "/registry/claims/3").status_code == 200


def test_arbitrary_sql_has_a_time_limit(site):
    ds = Datasette(config_dir=Path(site), settings={**publishing.SETTINGS, "sql_time_limit_ms": 200})
    endless = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    response = asyncio.run(ds.client.get("/registry.json", params={"sql": endless}))
    assert response.status_code == 400
    assert "took too long" in response.json()["error"].lower()


def test_published_plugin_works_without_the_claims_package(site):
    """The copy in plugins/ and templates/ serve the pages alone, as on a host where only
    Datasette is installed; when the package's plugin is there too, the copy stays quiet."""
    both = config_dir_datasette(site)
    hooks = {p["name"]: p["hooks"] for p in get(both, "/-/plugins.json").json()}
    assert "claims_registry.py" in hooks
    assert get(both, "/registry/claims/3").text.count('id="claim-span"') == 1  # rendered once, not twice
    with without_package_plugin():
        ds = config_dir_datasette(site)
        names = [p["name"] for p in get(ds, "/-/plugins.json").json()]
        assert names == ["claims_registry.py"]
        page = get(ds, "/registry/claims/3").text
        assert 'id="claim-span"' in page and "claims-badge" in page
        assert 'class="claims-mark' in get(ds, "/registry/articles/1").text
        assert get(ds, "/-/claims/registry.css").status_code == 200
        assert get(ds, "/registry/claims").text.count('<nav class="claims-nav"') == 1
        assert asyncio.run(ds.client.post("/registry/review_queue")).status_code == 405


def test_publish_again_brings_the_snapshot_up_to_date(site, run, example_db):
    assert run("status", "3", "in-review").exit_code == 0
    result = run("publish", str(site))
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(site / "registry.db")
    assert conn.execute("select status from claims where id = 3").fetchone()[0] == "in-review"
    conn.close()
    assert same_content(site / "registry.db", example_db)


def test_publish_bad_input(tmp_path, run, db_path):
    result = run("publish", str(tmp_path / "site"))  # no registry at db_path yet
    assert result.exit_code == 1 and result.output.startswith("Error: no registry at")
    assert not (tmp_path / "site").exists()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    result = run("publish", str(a_file))
    assert result.exit_code == 2 and "is a file" in result.output
