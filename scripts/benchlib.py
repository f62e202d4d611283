"""Shared by the scripts/bench-* and scripts/make-registry scripts: a synthetic corpus,
timing and peak-memory helpers. Generated files go to /tmp/claims-bench, never to git.

The corpus is deterministic (seeded): articles of real English sentences, taken from the
evaluation data's claim files when ``--eval`` points at them (default ``../shared/eval``),
otherwise from a built-in word list. Each article has a headline, outlet, author, URL and
date; its text is paragraphs of sentences and every sentence is one claim with a span that
slices back to it, as the splitter would store it.
"""

import csv
import json
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(os.environ.get("CLAIMS_BENCH_DIR", "/tmp/claims-bench"))
# registry benchmarks: claims are scored by the n-gram model (the default install's)
os.environ.setdefault("CLAIMS_MODEL", "ngram")

OUTLETS = ["The Daily Ledger", "Capitol Wire", "Metro Courier", "Harbor Times", "Valley News",
           "The Evening Post", "Civic Review", "Northern Star", "Plains Gazette", "Coastal Herald"]
CLAIMANTS = [None] * 6 + ["the governor", "Sen. Maria Lopez", "Rep. John Carter", "the mayor",
                          "a White House spokesperson", "the police chief", "Dr. Amara Singh",
                          "the finance minister", "the union", "the company"]
CLAIM_TYPES = (["quantity"] * 4 + ["current laws or rules"] * 2 + ["correlation or causation"]
               + ["prediction"] + ["other claim"] * 2 + ["personal experience"])
WORDS = ("budget tax jobs unemployment rate million billion percent police crime school teachers "
         "health care hospital court ruling law bill senate house vote election county city state "
         "federal deficit spending inflation prices wages workers immigrants border climate energy "
         "oil gas coal emissions water housing rent homeless veterans military troops war trade "
         "tariffs china mexico canada europe farmers drug overdose deaths vaccine cases report data "
         "survey poll increase decrease doubled fell rose since year last decade record highest lowest").split()


def sentences(eval_dir) -> list[str]:
    """Real sentences from the evaluation claim files, or generated ones if they are absent."""
    out = []
    d = Path(eval_dir) / "claims"
    for name in ("ct24_train.tsv", "claimbuster_3class.tsv", "dev_claims.tsv"):
        p = d / name
        if p.exists():
            with open(p, encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f, delimiter="\t"):
                    t = " ".join((row.get("text") or "").split())
                    if 20 <= len(t) <= 400:
                        out.append(t if t[-1] in ".!?\"" else t + ".")
    if not out:
        rnd = random.Random(7)
        for _ in range(20000):
            n = rnd.randint(8, 30)
            words = [rnd.choice(WORDS) for _ in range(n)]
            words.insert(rnd.randint(0, n), str(rnd.randint(2, 2000)))
            out.append(" ".join(words).capitalize() + ".")
    return out


def corpus(n_claims: int, n_articles: int, eval_dir, seed: int = 42):
    """Yield ``(article, claims)`` pairs: ``n_claims`` claims spread over ``n_articles``."""
    pool = sentences(eval_dir)
    rnd = random.Random(seed)
    per = n_claims // n_articles
    extra = n_claims - per * n_articles
    for a in range(n_articles):
        k = per + (1 if a < extra else 0)
        outlet = rnd.choice(OUTLETS)
        title = f"{rnd.choice(pool)[:90].rstrip('.')} ({a})"
        parts, claims, pos = [], [], 0
        lead = f"{title}\n\nBy {rnd.choice(['A.', 'B.', 'C.', 'D.'])} Reporter, {outlet}\n\n"
        parts.append(lead)
        pos = len(lead)
        for i in range(k):
            s = rnd.choice(pool)
            if i and i % 5 == 0:
                parts.append("\n\n")
                pos += 2
            elif i:
                parts.append(" ")
                pos += 1
            claims.append({
                "text": s, "sentence": s, "start": pos, "end": pos + len(s),
                "claimant": rnd.choice(CLAIMANTS), "claim_type": rnd.choice(CLAIM_TYPES),
                "checkable": 1, "checkworthiness": round(rnd.uniform(0.5, 1.0), 3),
            })
            parts.append(s)
            pos += len(s)
        text = "".join(parts)
        article = {
            "title": title, "url": f"https://news.example.com/{outlet.lower().replace(' ', '-')}/{a}",
            "outlet": outlet, "author": "Staff reporter",
            "published": f"20{rnd.randint(15, 25)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "text": text,
        }
        yield article, claims


def corpus_file(n_claims: int, n_articles: int, eval_dir) -> Path:
    """The corpus as JSON lines in /tmp (made once per size), one article per line."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"corpus-{n_claims}-{n_articles}.jsonl"
    if not path.exists():
        tmp = path.with_suffix(".part")
        with open(tmp, "w", encoding="utf-8") as f:
            for article, claims in corpus(n_claims, n_articles, eval_dir):
                f.write(json.dumps({"article": article, "claims": claims}, ensure_ascii=False) + "\n")
        tmp.rename(path)
    return path


def read_corpus(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            yield d["article"], d["claims"]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_measured(args, **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run a command; return (wall seconds, peak RSS MB of that child, result)."""
    t = time.perf_counter()
    p = subprocess.Popen(args, stdout=kwargs.pop("stdout", subprocess.DEVNULL),
                         stderr=subprocess.PIPE, **kwargs)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read().decode(errors="replace") if p.stderr else ""
    p.returncode = os.waitstatus_to_exitcode(status)
    p.cpu_seconds = usage.ru_utime + usage.ru_stime  # less disturbed than wall time on a busy machine
    if p.returncode != 0:
        raise SystemExit(f"Error: {' '.join(map(str, args))} failed ({p.returncode}): {err.strip()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, p


def median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def machine() -> dict:
    cpu = platform.processor() or "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version}


def report(name: str, figures: dict):
    """Print the figures as JSON and keep them in /tmp/claims-bench/<name>.json."""
    WORK.mkdir(parents=True, exist_ok=True)
    out = {"benchmark": name, "machine": machine(), **figures}
    (WORK / f"{name}.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))
    return out


def ensure_registry(n_claims: int, n_articles: int, eval_dir) -> Path:
    """/tmp/claims-bench/registry-N.db, made by scripts/make-registry if it is not there yet."""
    path = WORK / f"registry-{n_claims}.db"
    if not path.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make-registry"), "--claims", str(n_claims),
                        "--articles", str(n_articles), "--eval", str(eval_dir)], check=True)
    return path


def query_words(eval_dir, n: int = 100, seed: int = 3) -> list[str]:
    """``n`` search queries a reader might type: one or two words drawn from the corpus."""
    rnd = random.Random(seed)
    pool = sentences(eval_dir)
    out = []
    while len(out) < n:
        words = [w.strip(".,;:!?\"'()").lower() for w in rnd.choice(pool).split()]
        words = [w for w in words if len(w) >= 5 and w.isalpha()]
        if not words:
            continue
        i = rnd.randrange(len(words))
        out.append(" ".join(words[i:i + (2 if len(out) % 3 == 0 else 1)]))
    return out
