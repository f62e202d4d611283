"""The ``claims`` command line: Click only. The work is done in the library modules."""

import csv
import functools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from . import articles, exporting, registry, splitter
from .registry import RegistryError

STATUS_HELP = "unreviewed, in-review, true, mostly-true, half-true, misleading, mostly-false, false, unproven, not-checkable"


def db_option(fn):
    @click.option(
        "-d", "--db", "db_path", type=click.Path(dir_okay=False), default="registry.db",
        envvar="CLAIMS_DB", show_default=True, help="Registry file (env CLAIMS_DB)",
    )
    @functools.wraps(fn)
    def wrapper(*args, db_path, **kwargs):
        try:
            return fn(*args, db_path=db_path, **kwargs)
        except RegistryError as e:
            raise click.ClickException(str(e))

    return wrapper


def output_options(fn):
    for decorator in reversed([
        click.option("--json", "fmt", flag_value="json", default=True, help="JSON array (default)"),
        click.option("--nl", "fmt", flag_value="nl", help="Newline-delimited JSON"),
        click.option("--csv", "fmt", flag_value="csv", help="CSV"),
        click.option("--table", "fmt", flag_value="table", help="A table for reading"),
    ]):
        fn = decorator(fn)
    return fn


def emit(rows, fmt: str):
    """Print rows in the chosen format, streaming."""
    rows = iter(rows)
    if fmt == "nl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        exporting.write_csv(rows, sys.stdout, for_reviewers=False)
    elif fmt == "table":
        from tabulate import tabulate

        rows = [{k: _short(v) for k, v in r.items()} for r in rows]
        click.echo(tabulate(rows, headers="keys") if rows else "(no rows)")
    else:
        first = True
        click.echo("[", nl=False)
        for row in rows:
            click.echo(("" if first else ",") + "\n  " + json.dumps(row, ensure_ascii=False), nl=False)
            first = False
        click.echo("\n]" if not first else "]")


def _short(value, width=60):
    if isinstance(value, str) and len(value) > width:
        return value[: width - 1] + "…"
    return value


LIST_COLUMNS = ["id", "status", "checkworthiness", "claim_type", "claimant", "text", "article_id", "version"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claims")
def cli():
    """A fact-check claim registry in one SQLite file.

    \b
    Example:
        claims extract article.txt --url https://example.com/story
        claims list --status unreviewed --table
        claims serve
    """


@cli.command()
@click.argument("article", nargs=-1, required=True)
@click.option("--url", help="Where the article was published")
@click.option("--title", help="Headline (default: taken from the article)")
@click.option("--outlet", help="Publication")
@click.option("--published", help="Publication date, YYYY-MM-DD")
@click.option("--encoding", help="Text encoding of the input (default UTF-8)")
@click.option("--dry-run", is_flag=True, help="Write nothing; print what would be stored as JSON")
@click.option("--all", "include_all", is_flag=True, help="Include every sentence, checkable or not")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON")
@click.option("--by", "actor", help="Who is adding it (recorded in history)")
@db_option
def extract(article, url, title, outlet, published, encoding, dry_run, include_all, as_json, actor, db_path):
    """Split ARTICLE (a .txt, .md or .html file, or - for stdin) into claims and store them.

    Each article is stored with its claims in one transaction; the same text added again
    is a no-op.

    \b
    Example:
        claims extract article.txt --url https://example.com/story --outlet Example
        claims extract page.html --dry-run --all
    """
    # Read and check every input before writing anything.
    raws = [articles.read_article(path, encoding=encoding) for path in article]
    db = None if dry_run else registry.open_registry(db_path)
    results = []
    pending = []  # (source name, claim count) of articles extracted, not yet reported

    def extracted():
        for raw in raws:
            extraction = splitter.extract(raw.text, title=title or raw.meta.get("title"))
            if not extraction.text.strip():
                raise click.ClickException(f"{raw.name}: no article text left after removing page furniture")
            meta = {
                "title": extraction.title,
                "url": url or raw.meta.get("url"),
                "outlet": outlet or raw.meta.get("outlet"),
                "author": raw.meta.get("author"),
                "published": published or raw.meta.get("published"),
                "text": extraction.text,
            }
            if dry_run:
                results.append({"article": meta, "claims": extraction.claims(include_all=include_all)})
                continue
            claims = extraction.claims()
            pending.append((raw.name, len(claims)))
            yield meta, claims

    def stored(batch):  # each batch of articles is committed before it is reported
        for article_id, added in batch:
            name, n = pending.pop(0)
            results.append({"article_id": article_id, "added": added, "source": name,
                            "claims": n if added else 0})
            if not as_json:
                if added:
                    click.echo(f"{name}: article {article_id}, {n} claims stored")
                else:
                    click.echo(f"{name}: already in the registry as article {article_id}; nothing added")

    if dry_run:
        for _ in extracted():
            pass
    else:
        # Many articles go through the bulk path: batches, one transaction each.
        registry.add_articles(db, extracted(), actor=actor, provenance=splitter.provenance(), on_batch=stored)
    if dry_run:
        out = results[0] if len(results) == 1 else results
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    elif as_json:
        click.echo(json.dumps(results, indent=2))


@cli.command()
@click.argument("text")
@click.option("--article", "article_id", type=int, help="Article the claim comes from")
@click.option("--claimant", help="Who made the claim")
@click.option("--source", "sources", multiple=True, help="Source URL (repeatable)")
@click.option("--status", help=f"Initial status: {STATUS_HELP}")
@click.option("--note", help="Note for the history")
@click.option("--by", "actor", help="Who is adding it")
@db_option
def add(text, article_id, claimant, sources, status, note, actor, db_path):
    """Add a claim by hand.

    \b
    Example:
        claims add "Unemployment fell to 3.5% in 2019" --claimant "A. Senator" \\
            --source https://www.bls.gov/
    """
    db = registry.open_registry(db_path)
    if status:
        registry.validate_status(db, status)
    claim_id, added = registry.add_claim(
        db, text, article_id=article_id, claimant=claimant, sources=sources, status=status,
        note=note, actor=actor,
    )
    click.echo(f"claim {claim_id} added" if added else f"claim {claim_id} already in the registry")


@cli.command(name="list")
@click.option("--status", "statuses", multiple=True, help="Only claims with this status (repeatable)")
@click.option("--article", "article_id", type=int, help="Only claims from this article")
@click.option("--search", help="Only claims matching this full-text search")
@click.option("--limit", type=int, help="At most this many")
@output_options
@db_option
def list_(statuses, article_id, search, limit, fmt, db_path):
    """List claims.

    \b
    Example:
        claims list --status unreviewed --table
        claims list --search injunction --nl
    """
    db = registry.open_registry(db_path)
    rows = registry.iter_claims(db, statuses=statuses, article_id=article_id, search=search, limit=limit)
    emit(({k: r[k] for k in LIST_COLUMNS} for r in rows), fmt)


@cli.command()
@click.argument("claim_id")
@db_option
def show(claim_id, db_path):
    """Show a claim with its article context, sources and history.

    \b
    Example:
        claims show 3
    """
    db = registry.open_registry(db_path)
    claim = registry.get_claim(db, claim_id)
    out = dict(claim)
    if claim["article_id"] is not None:
        article = registry.get_article(db, claim["article_id"])
        out["article"] = {k: article[k] for k in ("id", "title", "url", "outlet", "published")}
    out["context"] = registry.context(db, claim)
    out["sources"] = registry.sources_for(db, claim["id"])
    out["history"] = registry.history(db, claim["id"])
    click.echo(json.dumps(out, indent=2, ensure_ascii=False))


@cli.command()
@click.argument("claim_id")
@click.argument("status")
@click.option("--note", help="Why (recorded in history)")
@click.option("--by", "actor", help="Who decided")
@click.option("--force", is_flag=True, help="Set a verdict without a source (needs --note)")
@db_option
def status(claim_id, status, note, actor, force, db_path):
    """Set a claim's STATUS.

    Verdicts other than unproven and not-checkable need a source first.

    \b
    Example:
        claims status 3 in-review --by alice
        claims status 3 true --note "Matches the court order" --by alice
    """
    db = registry.open_registry(db_path)
    before = registry.get_claim(db, claim_id)["status"]
    claim = registry.set_status(db, claim_id, status, note=note, actor=actor, force=force)
    click.echo(f"claim {claim['id']}: {before} -> {claim['status']}")


@cli.command()
@click.argument("claim_id")
@click.argument("url")
@click.option("--title", help="Title of the source")
@click.option("--kind", default="other", show_default=True,
              type=click.Choice(["court filing", "official document", "statement", "news report", "dataset", "other"]))
@click.option("--stance", default="context", show_default=True, type=click.Choice(["supports", "refutes", "context"]))
@click.option("--note", help="Note")
@click.option("--by", "actor", help="Who added it")
@db_option
def source(claim_id, url, title, kind, stance, note, actor, db_path):
    """Add a source URL to a claim.

    \b
    Example:
        claims source 3 https://www.courtlistener.com/docket/123/ --kind "court filing" --stance supports
    """
    db = registry.open_registry(db_path)
    source_id = registry.add_source(db, claim_id, url, title=title, kind=kind, stance=stance, note=note, actor=actor)
    click.echo(f"source {source_id} added to claim {claim_id}")


@cli.command()
@click.argument("claim_id")
@output_options
@db_option
def history(claim_id, fmt, db_path):
    """Every event of a claim, oldest first.

    \b
    Example:
        claims history 3 --table
    """
    db = registry.open_registry(db_path)
    emit(registry.history(db, claim_id), fmt)


@cli.command()
@click.argument("query")
@click.option("--limit", type=int, default=20, show_default=True)
@output_options
@db_option
def search(query, limit, fmt, db_path):
    """Full-text search over claims, best match first.

    \b
    Example:
        claims search "criminal investigations"
    """
    db = registry.open_registry(db_path)
    rows = registry.search(db, query, limit=limit)
    emit(({k: r[k] for k in LIST_COLUMNS} for r in rows), fmt)


@cli.command()
@click.option("--status", "statuses", multiple=True, help="Only claims with this status (repeatable)")
@click.option("--article", "article_id", type=int, help="Only claims from this article")
@click.option("--claim-type", help="Only claims of this type")
@click.option("--min-checkworthiness", type=float, help="Only claims scoring at least this")
@click.option("--since", help="Only claims added on or after this date (YYYY-MM-DD)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default stdout)")
@click.option("--bom", is_flag=True, help="Start with a byte-order mark, for Excel")
@db_option
def export(statuses, article_id, claim_type, min_checkworthiness, since, output, bom, db_path):
    """Export claims as CSV for reviewers, with empty columns for their verdicts.

    \b
    Example:
        claims export --status unreviewed -o review.csv --bom
    """
    db = registry.open_registry(db_path)
    for s in statuses:
        registry.validate_status(db, s)
    rows = exporting.export_rows(db, statuses=statuses, article_id=article_id, claim_type=claim_type,
                                 min_checkworthiness=min_checkworthiness, since=since)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as f:
            n = exporting.write_csv(rows, f, bom=bom)
        click.echo(f"{n} claims written to {output}", err=True)
    else:
        exporting.write_csv(rows, sys.stdout, bom=bom)


@cli.command()
@click.argument("file", default="-", type=click.File("r", encoding="utf-8"))
def score(file):
    """Score sentences, one per line of FILE (or stdin): one JSON object per line.

    \b
    Example:
        echo "Unemployment fell to 3.5% in 2019." | claims score
    """
    for line in file:
        text = line.strip()
        if not text:
            continue
        click.echo(json.dumps({"text": text, **splitter.score(text)}, ensure_ascii=False))


def metadata_path() -> Path:
    return Path(__file__).parent / "metadata.yml"


@cli.command()
@click.option("-p", "--port", type=int, default=8001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@db_option
def serve(port, host, db_path):
    """Browse the registry in Datasette.

    \b
    Example:
        claims serve --port 8001
    """
    registry.open_registry(db_path)  # create and migrate before Datasette reads it
    with tempfile.TemporaryDirectory() as tmp:
        metadata = Path(tmp) / "metadata.json"
        metadata.write_text(json.dumps(datasette_metadata(Path(db_path).stem)))
        args = [sys.executable, "-m", "datasette", "serve", db_path, "-m", str(metadata),
                "--host", host, "--port", str(port)] + datasette_settings()
        raise SystemExit(subprocess.call(args))


def datasette_metadata(database: str = "registry") -> dict:
    """The shipped metadata.yml, keyed to the database name Datasette will use."""
    import yaml

    metadata = yaml.safe_load(metadata_path().read_text())
    databases = metadata.get("databases", {})
    if database != "registry" and "registry" in databases:
        databases[database] = databases.pop("registry")
    return metadata


def datasette_settings() -> list[str]:
    return ["--setting", "suggest_facets", "off", "--setting", "sql_time_limit_ms", "3000",
            "--setting", "facet_time_limit_ms", "1000"]
