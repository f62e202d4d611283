"""Reading reviewers' CSV files back into the registry.

``plan_import`` reads a file written by ``claims export`` (and edited in a spreadsheet)
and works out, row by row, what it would change, without writing anything. Every row is
checked first; any problem (an unknown id or status, a bad URL, a missing column, the
same claim on two rows...) makes the whole file refused, with the file line and column
of each problem. ``apply_import`` writes a checked plan in one transaction: every row or
none.

What a row can change, all recorded in ``claim_events`` under the reviewer's name:

- ``new_status``: the claim's status (a status name like ``mostly-true`` or its label
  like ``Mostly true``, any case). A verdict that needs a source is accepted when the
  claim has one or the same row brings one in ``source_url``.
- ``source_url`` (with ``source_title``, ``source_stance`` and an optional
  ``source_kind``): one source added, unless the claim already has that URL.
- ``note``: recorded with the status change, or on its own; a note the claim's history
  already holds is not recorded again.
- ``new_claim``, ``new_claimant``, ``new_claim_type``: corrections, checked and recorded as
  ``claims edit`` records them (``registry.check_edit``); an empty cell changes nothing.

So importing the same file twice changes nothing the second time. A row whose claim has
changed since the export (its ``version`` differs) or whose ``claim`` text no longer
matches is a conflict: it is not applied, and is listed for a human, unless ``force``.
"""

import csv
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from sqlite_utils import Database

from . import registry
from .config import check_name, current_user
from .exporting import EXPORT_COLUMNS, unneutralise
from .models import SourceKind, Stance
from .registry import RegistryError

#: Columns the importer reads; every other column is ignored (and reported).
KNOWN_COLUMNS = EXPORT_COLUMNS + ["source_kind"]
#: Columns whose values can change the registry.
CHANGE_COLUMNS = ["new_status", "note", "source_url", "new_claim", "new_claimant", "new_claim_type"]
#: Correction columns -> the claim field each corrects.
EDIT_COLUMNS = {"new_claim": "text", "new_claimant": "claimant", "new_claim_type": "claim_type"}
SOURCE_DETAIL_COLUMNS = ["source_title", "source_stance", "source_kind"]

_FIELD_LIMIT = 1 << 26  # 64 MiB: a cell as long as any text the registry stores


@dataclass
class Problem:
    line: int
    column: Optional[str]
    message: str

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class RowChange:
    """What one row does to one claim."""

    line: int
    claim_id: int
    actor: Optional[str]
    file_version: Optional[int]
    registry_version: int
    old_status: str
    new_status: Optional[str] = None  # set when the status changes
    source: Optional[dict] = None  # set when a source is added
    note: Optional[str] = None  # set when a note is recorded
    edits: dict = field(default_factory=dict)  # corrected fields: {field: [old, new]}
    conflict: Optional[str] = None  # why the row is left for a human
    forced: bool = False  # applied despite the conflict

    @property
    def changes_anything(self) -> bool:
        return bool(self.new_status or self.source or self.note or self.edits)

    def describe(self) -> list[str]:
        by = f" ({self.actor})" if self.actor else ""
        out = []
        if self.source:
            out.append(f"claim {self.claim_id}: source added {self.source['url']} "
                       f"({self.source['stance']}){by}")
        for name, (old, new) in self.edits.items():
            if name != "checkable":
                out.append(f"claim {self.claim_id}: {name} {_quote(str(old)) if old is not None else 'none'} -> "
                           f"{_quote(str(new)) if new is not None else 'none'}{by}")
        if self.new_status:
            out.append(f"claim {self.claim_id}: status {self.old_status} -> {self.new_status}{by}")
        if self.note:
            out.append(f"claim {self.claim_id}: note {_quote(self.note)}{by}")
        return out


@dataclass
class ImportReport:
    path: str
    rows: int = 0
    changes: list[RowChange] = field(default_factory=list)
    conflicts: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    applied: bool = False

    @property
    def status_changes(self) -> int:
        return sum(1 for c in self.changes if c.new_status)

    @property
    def sources_added(self) -> int:
        return sum(1 for c in self.changes if c.source)

    @property
    def corrections(self) -> int:
        return sum(1 for c in self.changes if c.edits)

    @property
    def notes(self) -> int:
        return sum(1 for c in self.changes if c.note)

    def as_dict(self) -> dict:
        return {
            "file": self.path,
            "applied": self.applied,
            "rows": self.rows,
            "status_changes": self.status_changes,
            "sources_added": self.sources_added,
            "notes": self.notes,
            "corrections": self.corrections,
            "unchanged": self.unchanged,
            "changes": [asdict(c) for c in self.changes],
            "conflicts": [asdict(c) for c in self.conflicts],
            "ignored_columns": self.ignored_columns,
            "warnings": [asdict(w) for w in self.warnings],
        }

    def summary(self, dry_run: bool = False) -> list[str]:
        """The lines ``claims import`` prints."""
        verb = "would change" if dry_run else "changed"
        lines = [
            f"{self.path}: {self.rows} rows read; {len(self.changes)} claims {verb} "
            f"({self.status_changes} status changes, {self.sources_added} sources added, "
            f"{self.notes} notes{f', {self.corrections} corrections' if self.corrections else ''}), "
            f"{self.unchanged} unchanged, {len(self.conflicts)} conflicts"
        ]
        for change in self.changes:
            lines += ["  " + d + (" [forced over a conflict]" if change.forced else "") for d in change.describe()]
        if self.conflicts:
            lines.append("Conflicts, not applied (left for a human; re-export these claims, or --force):")
            for c in self.conflicts:
                lines.append(f"  line {c.line}, claim {c.claim_id}: {c.conflict}")
        if self.ignored_columns:
            lines.append("Ignored columns: " + ", ".join(self.ignored_columns))
        for w in self.warnings:
            lines.append(f"Warning: {w}")
        if dry_run:
            lines.append("Dry run: nothing was written.")
        return lines


def _quote(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return '"' + (text if len(text) <= width else text[: width - 1] + "…") + '"'


# --- reading -------------------------------------------------------------------------


def read_csv(path, encoding: Optional[str] = None) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for every non-blank row of ``path``, the header first.

    ``line`` is the file line the row starts on (a quoted cell may span lines). UTF-8
    with or without a BOM by default; CRLF or LF; ``encoding`` for anything else.
    """
    encoding = encoding or "utf-8-sig"
    try:
        "".encode(encoding)
    except LookupError:
        raise RegistryError(f"unknown encoding {encoding!r}")
    path = Path(path)
    if path.is_dir():
        raise RegistryError(f"{path} is a directory, not a CSV file")
    try:
        f = open(path, encoding=encoding, newline="", errors="strict")
    except FileNotFoundError:
        raise RegistryError(f"{path}: no such file")
    except OSError as e:
        raise RegistryError(f"{path}: cannot read it: {e.strerror or e}")
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, _FIELD_LIMIT))
    last = 0
    try:
        with f:
            head = f.readline()
            f.seek(0)
            reader = csv.reader(f, delimiter=_delimiter(head))
            first = True
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as e:
                    raise RegistryError(f"{path}: line {last + 1}: not readable as CSV: {e}") from e
                line, last = last + 1, reader.line_num
                if first and cells:
                    cells[0] = cells[0].lstrip("\ufeff")
                if not any(c.strip() for c in cells):
                    continue
                first = False
                yield line, cells
    except UnicodeDecodeError as e:
        hint = "" if encoding.lower().replace("_", "-") not in ("utf-8", "utf-8-sig", "utf8") else \
            "; pass --encoding (e.g. --encoding cp1252) for files that are not UTF-8"
        raise RegistryError(f"{path}: not valid {encoding} near line {last + 1}{hint}") from e
    finally:
        csv.field_size_limit(old_limit)


def _delimiter(header_line: str) -> str:
    """Comma, or the semicolon or tab a spreadsheet in another locale wrote instead:
    whichever splits the header into the most known column names."""
    def known(d):
        return sum(c.strip().strip('"').strip().lower().replace(" ", "_") in KNOWN_COLUMNS
                   for c in header_line.lstrip("\ufeff").split(d))
    return max([",", ";", "\t"], key=known)


def read_dicts(path, encoding: Optional[str] = None) -> Iterator[tuple[int, dict]]:
    """``(line, {column: value})`` for every data row: the known columns, by name, with
    the export's formula apostrophe taken off, values exactly as written otherwise."""
    rows = read_csv(path, encoding)
    try:
        header_line, header = next(rows, (None, None))
        if header is None:
            return
        problems: list[Problem] = []
        index, _ = _header(header_line, header, problems, require=False)
        if problems:
            raise RegistryError(f"{path} {problems[0]}")
        for line, cells in rows:
            yield line, {name: unneutralise(cells[i]) if i < len(cells) else "" for name, i in index.items()}
    finally:
        rows.close()


# --- planning ------------------------------------------------------------------------


def _header(line: int, cells: list[str], problems: list[Problem], require: bool = True) -> tuple[dict, list[str]]:
    """Column name -> index, and the names of ignored columns."""
    index, ignored = {}, []
    for i, raw in enumerate(cells):
        name = raw.strip().lower().replace(" ", "_")
        if name in KNOWN_COLUMNS:
            if name in index:
                problems.append(Problem(line, raw.strip(), f"the column appears twice (columns {index[name] + 1} and {i + 1})"))
            index[name] = i
        else:
            ignored.append(raw.strip() or f"(unnamed column {i + 1})")
    if not require:
        return index, ignored
    for name in ("id",):
        if name not in index:
            problems.append(Problem(line, name, "required column missing"))
    if not any(c in index for c in CHANGE_COLUMNS):
        problems.append(Problem(line, "new_status", "no reviewer columns: the file needs at least one of "
                                + ", ".join(CHANGE_COLUMNS)))
    return index, ignored


def _status_lookup(db: Database) -> dict:
    """Every way a reviewer may write a status (name or label, any case) -> the status row."""
    lookup = {}
    for row in db.query("SELECT * FROM statuses ORDER BY sort_order"):
        lookup[row["name"].lower()] = row
        lookup[row["label"].lower()] = row
        lookup[row["label"].lower().replace(" ", "-")] = row
    return lookup


def _integer(value: str) -> int:
    """An id or version as a spreadsheet may write it back: ``12`` or ``12.0``."""
    if value.endswith(".0"):
        value = value[:-2]
    if not (value.isascii() and value.isdigit()):
        raise ValueError(value)
    return int(value)


def _normalise_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def plan_import(db: Database, path, *, by: Optional[str] = None, force: bool = False,
                encoding: Optional[str] = None) -> ImportReport:
    """Check every row of ``path`` against the registry and work out what it would change.

    Writes nothing. ``report.problems`` lists every error (the file must not be
    applied); ``report.changes`` what applying it would do; ``report.conflicts`` the rows
    left for a human.
    """
    rows = read_csv(path, encoding)
    try:
        return _plan(db, path, rows, by=by, force=force)
    finally:
        rows.close()


def _plan(db, path, rows, *, by, force) -> ImportReport:
    report = ImportReport(path=str(path))
    problems = report.problems
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise RegistryError(f"{path} is empty: no header row")
    index, report.ignored_columns = _header(header_line, header, problems)
    if problems:
        return report
    if "version" not in index and not force:
        problems.append(Problem(header_line, "version", "required column missing (it detects claims changed "
                                "since the export; --force imports without it)"))
        return report

    statuses = _status_lookup(db)
    stances = {s.value for s in Stance}
    kinds = {k.value for k in SourceKind}
    seen = _FirstLines(db)
    by = check_name(by) if by is not None else current_user()  # --by, else CLAIMS_USER or the saved name
    try:
        _plan_rows(db, rows, report, index, statuses, stances, kinds, seen, by, force)
    finally:
        seen.close()
    report.problems.sort(key=lambda p: p.line)
    return report


class _FirstLines:
    """Claim id -> the file line it was first seen on, kept in a temporary table so that
    memory stays flat however many rows the file has."""

    def __init__(self, db: Database):
        self.conn = db.conn
        self.table = f"temp.import_lines_{id(self)}"
        self.conn.execute(f"CREATE TABLE {self.table} (claim_id INTEGER PRIMARY KEY, line INTEGER NOT NULL)")

    def earlier(self, claim_id: int, line: int) -> Optional[int]:
        """Record ``claim_id`` at ``line``; the line it was on before, if it was."""
        if self.conn.execute(f"INSERT OR IGNORE INTO {self.table} VALUES (?, ?)", [claim_id, line]).rowcount:
            return None
        return self.conn.execute(f"SELECT line FROM {self.table} WHERE claim_id = ?", [claim_id]).fetchone()[0]

    def close(self):
        self.conn.execute(f"DROP TABLE {self.table}")


def _plan_rows(db, rows, report, index, statuses, stances, kinds, seen, by, force) -> None:
    problems = report.problems

    for line, cells in rows:
        report.rows += 1

        def cell(name, *, strip=True):
            i = index.get(name)
            if i is None or i >= len(cells):
                return ""
            value = unneutralise(cells[i])
            return value.strip() if strip else value

        row_problems: list[Problem] = []

        def bad(column, message):
            row_problems.append(Problem(line, column, message))

        # Which claim.
        raw_id = cell("id")
        try:
            claim_id = _integer(raw_id)
        except ValueError:
            bad("id", f"not a claim id: {raw_id!r}" if raw_id else "the id is empty")
            problems.extend(row_problems)
            continue
        claim = db.execute("SELECT id, text, status, version, claimant, claim_type, checkable FROM claims "
                           "WHERE id = ?", [claim_id]).fetchone()
        if claim is None:
            bad("id", f"no claim with id {claim_id} in the registry")
            problems.extend(row_problems)
            continue
        _, claim_text, current_status, registry_version, *_ = claim
        claim = dict(zip(["id", "text", "status", "version", "claimant", "claim_type", "checkable"], claim))
        earlier = seen.earlier(claim_id, line)
        if earlier is not None:
            bad("id", f"claim {claim_id} is also on line {earlier}: one row per claim")

        file_version = None
        if "version" in index:
            raw_version = cell("version")
            try:
                file_version = _integer(raw_version)
            except ValueError:
                if raw_version or not force:
                    bad("version", f"not a version number: {raw_version!r}" if raw_version
                        else "the version is empty (it comes from the export; do not edit it)")

        # What the reviewer asked for.
        wanted = None
        raw_status = cell("new_status")
        if raw_status:
            wanted = statuses.get(raw_status.lower())
            if wanted is None:
                names = ", ".join(dict.fromkeys(r["name"] for r in statuses.values()))
                bad("new_status", f"unknown status {raw_status!r}; choose one of: {names}")

        url = cell("source_url")
        if url:
            try:
                url = registry.validate_url(url)
            except RegistryError as e:
                bad("source_url", f"{e} (one http(s) URL per row)")
                url = None
        details = {c: cell(c) for c in SOURCE_DETAIL_COLUMNS}
        stance = details["source_stance"].lower() or "context"
        kind = details["source_kind"].lower() or "other"
        if stance not in stances:
            bad("source_stance", f"unknown stance {details['source_stance']!r}; choose one of: {', '.join(sorted(stances))}")
        if kind not in kinds:
            bad("source_kind", f"unknown source kind {details['source_kind']!r}; choose one of: {', '.join(sorted(kinds))}")
        if not cell("source_url"):
            for c in SOURCE_DETAIL_COLUMNS:
                if details[c]:
                    bad(c, f"{c} is filled but source_url is empty")
        edits = {}
        for column, name in EDIT_COLUMNS.items():
            raw = cell(column, strip=False)
            if not raw:
                continue
            if not raw.strip():
                bad(column, f"{column} is blank: leave it empty to keep the {name.replace('_', ' ')}, "
                    "or write the correction")
                continue
            try:
                edits.update(registry.check_edit(claim, **{name: raw}, what=(column,) * 3))
            except RegistryError as e:
                bad(column, str(e))
        note = cell("note")
        actor = cell("reviewer") or by

        if row_problems:
            problems.extend(row_problems)
            continue

        # What would change.
        change = RowChange(line=line, claim_id=claim_id, actor=actor, file_version=file_version,
                           registry_version=registry_version, old_status=current_status, edits=edits)
        n_sources = 0
        if url:
            existing = {r[0] for r in db.execute("SELECT url FROM sources WHERE claim_id = ?", [claim_id])}
            n_sources = len(existing)
            if url not in existing:
                change.source = {"url": url, "title": details["source_title"] or None, "stance": stance, "kind": kind}
        else:
            n_sources = db.execute("SELECT count(*) FROM sources WHERE claim_id = ?", [claim_id]).fetchone()[0]
        if wanted is not None and wanted["name"] != current_status:
            change.new_status = wanted["name"]
            if wanted["needs_source"] and n_sources == 0 and not change.source:
                bad("new_status", f"{wanted['name']!r} needs a source: put its URL in source_url on this row "
                    f"(claim {claim_id} has none yet)")
        if note:
            recorded = db.execute("SELECT 1 FROM claim_events WHERE claim_id = ? AND note = ? LIMIT 1",
                                  [claim_id, note]).fetchone()
            if not recorded:
                change.note = note
        if change.changes_anything and not actor:
            bad("reviewer", "who made this change? Fill the reviewer column, pass --by NAME, set CLAIMS_USER, "
                "or save your name once with: claims config user NAME")
        if row_problems:
            problems.extend(row_problems)
            continue

        # A status edited in the wrong column is easy to miss: say so.
        if "status" in index and cell("status") and cell("status") != current_status \
                and file_version == registry_version and not raw_status:
            report.warnings.append(Problem(line, "status", f"changed to {cell('status')!r}, but only new_status "
                                           "is imported; the status column is ignored"))

        if not change.changes_anything:
            report.unchanged += 1
            continue
        reasons = []
        if file_version is not None and file_version != registry_version:
            reasons.append(f"claim {claim_id} changed after the export (exported at version {file_version}, "
                           f"now version {registry_version})")
        if "claim" in index:
            text_in_file = cell("claim", strip=False)
            if text_in_file != claim_text and _normalise_text(text_in_file) != _normalise_text(claim_text):
                reasons.append(f"the claim text on this row is not claim {claim_id}'s text "
                               f"(was the sheet sorted, or the text edited?)")
        if reasons:
            change.conflict = "; ".join(reasons)
            if not force:
                report.conflicts.append(change)
                continue
            change.forced = True
        report.changes.append(change)


def apply_import(db: Database, report: ImportReport) -> ImportReport:
    """Write a checked plan: every change in one transaction, or none."""
    if report.problems:
        raise RegistryError(f"{report.path}: {len(report.problems)} problems; nothing imported")
    with registry.write(db):
        for change in report.changes:
            if change.forced:
                registry.add_note(db, change.claim_id, change.conflict, actor=change.actor, action="import-forced",
                                  old=None if change.file_version is None else str(change.file_version),
                                  new=str(change.registry_version))
            if change.edits:
                registry.apply_edit(db, change.claim_id, change.edits, actor=change.actor, note=change.note)
            if change.source:
                registry.add_source(db, change.claim_id, change.source["url"], title=change.source["title"],
                                    kind=change.source["kind"], stance=change.source["stance"], actor=change.actor)
            note_recorded = bool(change.edits and change.note)  # recorded with the corrections
            if change.new_status:
                registry.set_status(db, change.claim_id, change.new_status,
                                    note=None if note_recorded else change.note, actor=change.actor)
                note_recorded = True
            if change.note and not note_recorded:
                registry.add_note(db, change.claim_id, change.note, actor=change.actor)
    report.applied = True
    return report


class ImportRefused(RegistryError):
    """A file that cannot be imported; ``report.problems`` lists every problem."""

    def __init__(self, message, report: ImportReport):
        super().__init__(message)
        self.report = report


def import_csv(db: Database, path, *, by: Optional[str] = None, force: bool = False,
               encoding: Optional[str] = None, dry_run: bool = False) -> ImportReport:
    """Check ``path`` and, unless ``dry_run``, apply it in one transaction.

    The file is checked against one read snapshot of the registry, without holding the
    write lock (a big file takes seconds to check; other writers need not wait). Then,
    under the write lock, if the history has grown since that snapshot (every change to a
    claim's status, sources or notes appends to it), the file is checked again there;
    otherwise the checked plan is applied as it is. Either way what is applied was checked
    against the registry it is applied to. Raises ``ImportRefused`` when any row has a
    problem (``error.report`` holds the report); then nothing is written.
    """
    report, last_event = _snapshot_plan(db, path, by=by, force=force, encoding=encoding)
    if not dry_run and not report.problems:
        with registry.write(db):
            if _last_event(db) != last_event:
                report = plan_import(db, path, by=by, force=force, encoding=encoding)
            if not report.problems:
                apply_import(db, report)
    if report.problems:
        first = report.problems[0]
        more = len(report.problems) - 1
        raise ImportRefused(
            f"{path} {first}" + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
            + "; nothing was imported", report)
    return report


def _last_event(db: Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM claim_events").fetchone()[0]


def _snapshot_plan(db: Database, path, **kwargs) -> tuple[ImportReport, int]:
    """The plan, and the last history row it saw, read in one read transaction."""
    own = not db.conn.in_transaction
    if own:
        db.conn.execute("BEGIN")
    try:
        return plan_import(db, path, **kwargs), _last_event(db)
    finally:
        if own:
            db.conn.execute("ROLLBACK")
