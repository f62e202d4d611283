from pathlib import Path

from claims.cli import cli

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_readme_opens_with_the_two_commands():
    head = README[:1200]
    assert "./scripts/demo" in head and "./scripts/test" in head


def test_every_command_is_in_the_readme():
    for name in cli.commands:
        assert f"claims {name}" in README, name


def test_the_readme_is_a_short_tour():
    assert len(README.splitlines()) < 200
    for link in ("docs/guide.md", "docs/cli.md", "docs/benchmarks.md", "CHANGELOG.md"):
        assert link in README and (Path(__file__).parent.parent / link).exists(), link


def test_the_cli_reference_is_what_help_says():
    import subprocess
    import sys

    script = Path(__file__).parent.parent / "scripts" / "cli-reference"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr or result.stdout
