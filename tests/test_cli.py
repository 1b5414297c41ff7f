"""`python -m ingest` as a user runs it: a subprocess on a tmp corpus with RAG_DATA_DIR in tmp."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import _write_corpus, report_text

from core.settings import Settings
from ingest.lock import ingest_lock

pytestmark = pytest.mark.integration  # real model + Chroma in a subprocess; ~10 s in all

ROOT = Path(__file__).resolve().parents[1]


def run(data_dir: Path, *args: str, **env_extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "CHROMA_"))}
    env.update({"RAG_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "COLUMNS": "200", **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )


def assert_one_error_line(proc: subprocess.CompletedProcess, *fragments: str) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for f in fragments:
        assert f in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """One real ingest (model + Chroma) of two good reports and one bad file; shared by the tests."""
    tmp = tmp_path_factory.mktemp("cli")
    corpus = _write_corpus(
        tmp / "corpus",
        {
            "dorset-2011-ofsted.txt": (report_text("Dorset", 2011, ["adoption", "fostering"]),
                                       "Dorset County Council", 2011),
            "poole-2017-ofsted.txt": (report_text("Poole", 2017, ["care leavers"]), "Borough of Poole", 2017),
        },
    )
    (corpus / "README.md").write_text("# corpus\n")
    bad = corpus / "broken-2015.txt"
    bad.write_bytes(b"\x00\x01binary junk\x00")
    data = tmp / "data"
    proc = run(data, str(corpus))
    return corpus, data, bad, proc


def test_ingest_with_one_bad_file_exits_1_and_ingests_the_others(ingested):
    corpus, data, bad, proc = ingested
    assert proc.returncode == 1, proc.stderr
    line = assert_one_error_line(proc)
    assert line.startswith(f"error: {bad}: ")
    for doc_id, status in (("dorset-2011-ofsted", "added"), ("poole-2017-ofsted", "added")):
        row = next(l for l in proc.stdout.splitlines() if doc_id in l)
        assert status in row
    assert "failed" in next(l for l in proc.stdout.splitlines() if "broken-2015" in l)


def test_reingest_of_good_files_exits_0_unchanged(ingested):
    corpus, data, bad, _ = ingested
    proc = run(data, str(corpus / "dorset-2011-ofsted.txt"), str(corpus / "poole-2017-ofsted.txt"))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "error" not in proc.stderr
    assert proc.stdout.count("unchanged") == 2


def test_list_json(ingested):
    _, data, _, _ = ingested
    proc = run(data, "list", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["doc_id"] for r in rows] == ["dorset-2011-ofsted", "poole-2017-ofsted"]
    assert rows[1]["authority"] == "Borough of Poole" and rows[1]["year"] == 2017
    assert rows[0]["short_title"] == "Ofsted, Dorset 2011" and rows[0]["paragraphs"] >= 4
    plain = run(data, "list")
    assert plain.returncode == 0 and "poole-2017-ofsted" in plain.stdout


def test_show_json_and_plain(ingested):
    _, data, _, _ = ingested
    proc = run(data, "show", "dorset-2011-ofsted", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert all(set(r) == {"doc_id", "locator", "heading_path", "kind", "text"} for r in rows)
    para = next(r for r in rows if r["locator"] == "3")
    assert para["heading_path"] == ["Fostering"] and para["text"].startswith("Inspectors found that fostering")
    plain = run(data, "show", "dorset-2011-ofsted")
    assert plain.returncode == 0
    assert "[3] Fostering" in plain.stdout and "Inspectors found that fostering" in plain.stdout


def test_records(ingested):
    _, data, _, _ = ingested
    proc = run(data, "records", "poole-2017-ofsted", "--json")
    assert proc.returncode == 0, proc.stderr
    for line in proc.stdout.splitlines():
        assert json.loads(line)["type"] in ("judgement", "recommendation")
    plain = run(data, "records", "poole-2017-ofsted")
    assert plain.returncode == 0 and "Traceback" not in plain.stderr


def test_unknown_doc_id_is_one_line_exit_1(ingested):
    _, data, _, _ = ingested
    for cmd in ("show", "records", "remove"):
        proc = run(data, cmd, "no-such-report")
        assert proc.returncode == 1
        assert_one_error_line(proc, "no-such-report", "python -m ingest list")


def test_remove(ingested, tmp_path):
    _, data, _, _ = ingested
    proc = run(data, "remove", "poole-2017-ofsted")
    assert proc.returncode == 0, proc.stderr
    assert "removed poole-2017-ofsted" in proc.stdout
    listed = [json.loads(line)["doc_id"] for line in run(data, "list", "--json").stdout.splitlines()]
    assert listed == ["dorset-2011-ofsted"]
    assert not (data / "records" / "poole-2017-ofsted.json").exists()


def test_usage_errors_exit_2(tmp_path):
    proc = run(tmp_path / "data", str(tmp_path), "--year", "2011")  # --year is for one file
    assert proc.returncode == 2 and "usage:" in proc.stderr
    proc = run(tmp_path / "data", "show")  # missing DOC_ID
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_bad_setting_is_one_line(tmp_path):
    proc = run(tmp_path / "data", "list", RAG_CHUNK_TOKENS="many")
    assert proc.returncode == 1
    assert_one_error_line(proc, "RAG_CHUNK_TOKENS")


def test_busy_while_another_ingest_holds_the_lock(tmp_path, small_corpus):
    data = tmp_path / "data"
    with ingest_lock(Settings(data_dir=data)):
        proc = run(data, str(small_corpus))
    assert proc.returncode == 1
    assert_one_error_line(proc, "another ingest is running", "wait for it to finish")


def test_empty_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = run(tmp_path / "data", str(tmp_path / "empty"))
    assert proc.returncode == 1
    assert_one_error_line(proc, "no report files")


@pytest.mark.slow  # waits for the subprocess to be mid-ingest
def test_ctrl_c_prints_interrupted_and_exits_130(tmp_path, small_corpus):
    import signal
    import time

    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "CHROMA_"))}
    env.update({"RAG_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", str(small_corpus)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(2.0)  # inside main() by now (loading the model takes longer)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in err
