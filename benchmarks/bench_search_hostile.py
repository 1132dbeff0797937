"""Benchmark: issue 12's hostile search families, each timed against the bound it must keep.

Every family is a query (plain, regular expression or archive syntax) run against the input
that made it slow or crash before: the time of the whole call (preparing the pattern included),
what came back (hits, "stopped" or the clear error) and the bound. A family passes when its
processor time is within its bound plus a margin (``SLACK_S``); a refused query should take
milliseconds. Both the wall-clock and the processor time are shown: the ``regex`` module counts
its ``timeout=`` in processor time, so on a machine busy with other work a search cut short
inside one long cue takes longer on the wall clock (the search's own checks between cues and
chunks use the wall clock).

Bounds: transcript search, regular expression 0.75 s and plain 2 s (the window's defaults);
``briefing-player search`` 5 s for all FILEs together; archive regular expression 2 s; archive
full-text statement 5 s.

Run: .venv/bin/python benchmarks/bench_search_hostile.py [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from player.core.archive.library import Archive, ArchiveError  # noqa: E402
from player.core.model import Cue  # noqa: E402
from player.core.text.search import (  # noqa: E402
    DEFAULT_PLAIN_DEADLINE_S,
    DEFAULT_REGEX_DEADLINE_S,
    SearchError,
    SearchIndex,
    SearchOptions,
)

SLACK_S = 0.5
REGEX = SearchOptions(regex=True)
PLAIN = SearchOptions()


@dataclass(frozen=True)
class Family:
    """One hostile search: what is run, and the bound it must keep (seconds)."""

    name: str
    run: Callable[[], str]
    bound_s: float


def _index(*texts: str) -> SearchIndex:
    return SearchIndex([Cue(None, i * 1000, i * 1000 + 900, t) for i, t in enumerate(texts)])


def _search(index: SearchIndex, query: str, options: SearchOptions) -> Callable[[], str]:
    def run() -> str:
        try:
            result = index.search(query, options)
        except SearchError as err:
            return f"error: {str(err)[:60]}"
        return f"{len(result)} hits" + (", stopped" if result.timed_out else "")

    return run


def _cli(*argv: str) -> Callable[[], str]:
    from player.app.main import main

    def run() -> str:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["search", *argv])
        first = (err.getvalue().splitlines() or [""])[0]
        return f"exit {status}: {first[:60]}"

    return run


def _archive_call(call: Callable[[Archive], object], archive: Archive) -> Callable[[], str]:
    def run() -> str:
        try:
            found = call(archive)
        except ArchiveError as err:
            return f"error: {str(err)[:60]}"
        return f"{found if isinstance(found, int) else len(found)} hits"  # type: ignore[arg-type]

    return run


def _files(tmp: Path, count: int, text: str) -> list[str]:
    names = []
    for i in range(count):
        path = tmp / f"f{i}.vtt"
        path.write_text(f"WEBVTT\n\n00:00.000 --> 00:01.000\n{text}\n", encoding="utf-8")
        names.append(str(path))
    return names


def _archive(tmp: Path, cues: int) -> Archive:
    folder = tmp / "lib"
    folder.mkdir()
    for b in range(4):
        (folder / f"b{b}.mp3").write_bytes(b"")
        body = "".join(
            f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000 --> "
            f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}.500\n"
            f"alpha beta gamma {'a' * 30}! budget rate {i}\n\n"
            for i in range(cues // 4)
        )
        (folder / f"b{b}.vtt").write_text("WEBVTT\n\n" + body, encoding="utf-8")
    archive = Archive.open(tmp / "archive.sqlite")
    archive.add_folder(folder)
    archive.scan()
    return archive


def families(tmp: Path) -> list[Family]:
    """Every family, with its inputs built (not timed)."""
    rx, plain = DEFAULT_REGEX_DEADLINE_S, DEFAULT_PLAIN_DEADLINE_S
    six_k = _index("a" * 6000)
    big_cue = _index("word " * 40_000)  # one 200 KB cue
    huge_cue = _index("a " * 16_000_000)  # one 32 MB cue (half the transcript size cap)
    long_words = _index(*["a" * 60_000] * 4)
    archive = _archive(tmp, 20_000)
    files = _files(tmp, 3, "a" * 40 + "!")
    words_99_b = " ".join(["word"] * 99) + " b"
    return [
        Family("regex (?R) (was MemoryError)", _search(six_k, "(?R)", REGEX), rx),
        Family("regex 'a'*5000 vs 6,000 a (was 34 s)", _search(six_k, "a" * 5000, REGEX), rx),
        Family("regex 'a'*500 vs 6,000 a (largest allowed)", _search(six_k, "a" * 500, REGEX), rx),
        Family(
            "regex a{4294967294} (was out of memory)", _search(six_k, "a{4294967294}", REGEX), rx
        ),
        Family(
            "regex (a|aa)+$ catastrophic", _search(_index("a" * 40 + "!"), "(a|aa)+$", REGEX), rx
        ),
        Family("regex （a） full-width", _search(_index("(a) a"), "（a）", REGEX), rx),
        Family("plain 100 KB query (was > 60 s)", _search(big_cue, "a" * 100_000, PLAIN), plain),
        Family(
            "plain 10,000 words vs 200 KB cue (was 12.9 s)",
            _search(big_cue, "word " * 10_000, PLAIN),
            plain,
        ),
        Family("plain 100 words vs 200 KB cue", _search(big_cue, words_99_b, PLAIN), plain),
        Family(
            "plain 100 words vs 32 MB cue",
            _search(huge_cue, " ".join(["a"] * 99) + " b", PLAIN),
            plain,
        ),
        Family(
            "plain whole word 'a'*1000 vs 4 x 60k a",
            _search(long_words, "a" * 1000, SearchOptions(whole_word=True)),
            plain,
        ),
        Family("cli regex 3 files (was 3 deadlines)", _cli("--regex", "(a|aa)+$", *files), 5.0),
        Family("cli (?R) (was MemoryError)", _cli("--regex", "(?R)", *files), 5.0),
        Family(
            "archive 250 '(' (was RecursionError)",
            _archive_call(lambda a: a.search("(" * 250 + "a"), archive),
            5.0,
        ),
        Family(
            "archive 240 'NOT ' (was RecursionError)",
            _archive_call(lambda a: a.search("alpha " + "NOT " * 240 + "zeta"), archive),
            5.0,
        ),
        Family("archive regex (?R)", _archive_call(lambda a: a.search_regex("(?R)"), archive), 2.0),
        Family(
            "archive regex (a|a)+$ over 20k cues",
            _archive_call(lambda a: a.search_regex(r"(a|a)+$", limit=None), archive),
            2.0,
        ),
        Family(
            "archive 100 prefixes OR over 20k cues",
            _archive_call(
                lambda a: a.search(" OR ".join(["a*", "b*", "g*", "r*"] * 25), limit=None), archive
            ),
            5.0,
        ),
        Family(
            "archive count 'a* OR b*'", _archive_call(lambda a: a.count("a* OR b*"), archive), 5.0
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only families whose name contains this")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        print("building inputs…", flush=True)
        chosen = [f for f in families(Path(tmp)) if args.only in f.name]
        print(f"{'family':<48} {'wall s':>7} {'cpu s':>6} {'bound':>6}  ok  outcome")
        over = []
        for family in chosen:
            started = time.perf_counter()
            cpu_started = time.process_time()
            outcome = family.run()
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            ok = cpu <= family.bound_s + SLACK_S
            if not ok:
                over.append(family.name)
            print(
                f"{family.name:<48} {elapsed:7.3f} {cpu:6.3f} {family.bound_s:6.2f}"
                f"  {'yes' if ok else 'NO '}"
                f" {outcome}",
                flush=True,
            )
    print("\nevery family within its bound" if not over else f"\nover the bound: {', '.join(over)}")


if __name__ == "__main__":
    main()
