import contextlib
import os
import socket
import sqlite3
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from claims import registry
from claims.cli import cli

# Shared 2-core machines: timing is no part of any property, so no per-example deadline.
settings.register_profile("claims", deadline=None)
settings.load_profile("claims")

# The suite scores with the n-gram model (the default install's); tests/test_finetuned.py
# covers the transformer model by asking for it. CLAIMS_MODEL=auto runs the suite with it.
os.environ.setdefault("CLAIMS_MODEL", "ngram")

# Every write needs a name (claims.config): the suite writes as "tester", and never reads or
# writes the real user's saved settings. tests/test_reviewer.py takes the name away.
os.environ["CLAIMS_USER"] = "tester"
os.environ["CLAIMS_CONFIG_DIR"] = tempfile.mkdtemp(prefix="claims-test-config-")

EXAMPLE = Path(__file__).parent.parent / "claims" / "examples" / "000_659ae5ab6ad42fc9.txt"


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "registry.db")


@pytest.fixture
def run(db_path):
    """Invoke the CLI against the temporary registry."""
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, list(args) + ["--db", db_path] if args and args[0] != "score" else list(args), input=input)

    return invoke


@pytest.fixture
def example_db(db_path, run):
    result = run("extract", str(EXAMPLE), "--url", "https://www.example.com/irs-dhs", "--outlet", "Fox News")
    assert result.exit_code == 0, result.output
    return db_path


def dump(path) -> str:
    """The registry's whole content as SQL, to show that a refusal changed nothing."""
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def db(example_db):
    return registry.open_registry(example_db)


@contextlib.contextmanager
def without_package_plugin():
    """Datasette as on a host without the claims package: only a published copy's plugin
    (plugins/claims_registry.py) can load. The package's plugin is put back afterwards."""
    from datasette.plugins import pm

    installed = pm.get_plugin("claims")
    assert installed is not None
    pm.unregister(installed)
    try:
        yield
    finally:
        copy = pm.get_plugin("claims_registry.py")
        if copy is not None:
            pm.unregister(copy)
        pm.register(installed, name="claims")
        sys.modules.pop("claims_registry.py", None)


def pytest_addoption(parser):
    parser.addoption("--update-fingerprint", action="store_true", default=False,
                     help="Record the example article's extraction fingerprint for a new "
                          "extractor_version in tests/extractor-fingerprint.json")
