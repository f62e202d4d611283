from pathlib import Path

from claims.cli import cli

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_readme_opens_with_the_two_commands():
    head = README[:1200]
    assert "./scripts/demo" in head and "./scripts/test" in head


def test_every_command_is_in_the_readme():
    for name in cli.commands:
        assert f"claims {name}" in README, name
