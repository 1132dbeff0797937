"""The shared archive from the command line, on a real throw-away server: ``archive init``,
``index``/``library``/``search`` with ``--db postgresql://...`` or ``BRIEFING_PLAYER_DB``, root
names mapped to this machine's folders, and the local archive answering when the server is
out of reach (the address shown without its password)."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.cli.dispatch import run_subcommand
from tests.pg.server import PgServer

pytestmark = pytest.mark.usefixtures("pg_server")

VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna>The harbour budget is ready.\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = run_subcommand(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("BRIEFING_PLAYER_DB", raising=False)
    monkeypatch.delenv("BRIEFING_PLAYER_ROOTS", raising=False)
    folder = tmp_path / "mnt" / "news"
    (folder / "2024").mkdir(parents=True)
    (folder / "2024" / "harbour.vtt").write_text(VTT, encoding="utf-8")
    return folder


def test_init_index_library_and_search_on_the_server(
    pg_server: PgServer,
    share: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = pg_server.new_database("cli")
    status, out, _ = run(capsys, "archive", "init", "--db", url)
    assert status == 0 and "is ready (schema 3, 0 briefings)" in out
    status, out, err = run(capsys, "index", str(share), "--db", url)
    assert status == 0, err
    assert "news: seen 1, written 1, removed 0, failed 0, cues 1" in out
    assert "indexed as the library root 'news'" in err
    # Another machine mounts the share elsewhere: the same briefing, its own path.
    other = share.parent.parent / "elsewhere"
    monkeypatch.setenv("BRIEFING_PLAYER_ROOTS", f"news={other}")
    monkeypatch.setenv("BRIEFING_PLAYER_DB", url)
    status, out, _ = run(capsys, "library")
    assert status == 0 and out.rstrip().split("\t")[-1] == str(other / "2024" / "harbour.vtt")
    status, out, _ = run(capsys, "search", "harbor OR harbour")
    assert status == 0
    assert out.startswith(str(other / "2024" / "harbour.vtt") + "\t00:00:01.000\tAnna: The harbour")
    monkeypatch.delenv("BRIEFING_PLAYER_ROOTS")
    status, out, _ = run(capsys, "search", "budget", "--json")
    assert status == 0 and '"file": "news:2024/harbour.vtt"' in out
    status, _, _ = run(capsys, "search", "nowhere")
    assert status == 1
    # indexing again writes nothing new
    status, out, _ = run(capsys, "index", str(share), "-q")
    assert "seen 1, written 0" in out


def test_init_needs_a_server_address(share: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "archive", "init")
    assert status == 2 and "--db postgresql://" in err


def test_server_out_of_reach_the_local_archive_answers(
    share: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "index", str(share))  # the local archive (no --db)
    assert status == 0, err
    gone = f"postgresql://reporter:Pa55word@/news?host={tmp_path}/nowhere"
    status, out, err = run(capsys, "search", "budget", "--db", gone)
    assert status == 0
    assert "harbour.vtt\t00:00:01.000" in out
    assert "not answering" in err and "searching the local archive instead" in err
    assert "postgresql://reporter@/news" in err and "Pa55word" not in err + out
    status, out, err = run(capsys, "library", "--db", gone)
    assert status == 2 and "Pa55word" not in err + out and "not answering" in err


def test_a_briefing_the_server_refuses_is_a_warning_not_the_end(
    pg_server: PgServer, share: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    words = " ".join(f"w{i}x" for i in range(160_000))  # a tsvector over PostgreSQL's 1 MB
    huge = f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{words}\n"
    (share / "2024" / "huge.vtt").write_text(huge, encoding="utf-8")
    url = pg_server.new_database("refused")
    status, out, err = run(capsys, "index", str(share), "--db", url)
    assert status == 0
    assert "news: seen 2, written 1, removed 0, failed 1" in out
    assert "huge.vtt" in err and "refused" in err
    status, out, _ = run(capsys, "search", "harbour", "--db", url)
    assert status == 0 and "harbour.vtt" in out
