"""Faults, for real: an ingest killed with SIGKILL, two ingests at once, queries during an
ingest, a folder of bad files among good ones, the Chroma server going away mid-session
and coming back, and bad questions through the `python -m rag ask` command line.

The faulty ingests are real `python -m ingest` subprocesses (each loads the model and
opens Chroma itself); the checks after them read the index through ``ingest.store.Index``
(``assert_consistent``). The kill tests print their seed and where the kill landed (-s).
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, _write_corpus, chroma_at, make_pdf, report_text

from core.errors import RagError, StoreError
from core.settings import Settings
from ingest import record_files
from ingest.pipeline import Ingestor
from ingest.store import Index

pytestmark = pytest.mark.integration

CORPUS_IDS = sorted(p.stem for p in CORPUS.glob("*.txt"))
SUBPROCESS_TIMEOUT = 600  # seconds: a full ingest of the corpus is ~20 s alone, ~60 s on a busy machine


# -- helpers ---------------------------------------------------------------------------------


def _env(data_dir: Path, **extra: str) -> dict:
    """The environment a user's shell would give: our data dir, offline, no outer RAG_/CHROMA_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "CHROMA_"))}
    env.update(RAG_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false", ANONYMIZED_TELEMETRY="False", COLUMNS="200", **extra)
    return env


def _ingest_cmd(*paths: Path) -> list[str]:
    return [sys.executable, "-m", "ingest", *map(str, paths)]


def _start_ingest(data_dir: Path, folder: Path, log_dir: Path, name: str) -> tuple[subprocess.Popen, Path, Path]:
    out, err = log_dir / f"{name}.out", log_dir / f"{name}.err"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:  # the child keeps its own copies
        proc = subprocess.Popen(_ingest_cmd(folder), cwd=ROOT, env=_env(data_dir), stdin=subprocess.DEVNULL,
                                stdout=stdout, stderr=stderr)
    return proc, out, err


def _run_ingest(data_dir: Path, folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(_ingest_cmd(folder), cwd=ROOT, env=_env(data_dir), capture_output=True, text=True,
                          timeout=SUBPROCESS_TIMEOUT)


def _copy_corpus(dest: Path, names: list[str] | None = None) -> Path:
    """The real reports (all, or those named by doc id) with their manifest rows."""
    dest.mkdir(parents=True)
    lines = (CORPUS / "manifest.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    keep = [lines[0]]
    for line in lines[1:]:
        file = line.split(",", 1)[0]
        if names is None or Path(file).stem in names:
            shutil.copy2(CORPUS / file, dest / file)
            keep.append(line)
    (dest / "manifest.csv").write_text("".join(keep), encoding="utf-8")
    return dest


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=30)


def assert_consistent(settings: Settings, expected_ids: list[str], context: str = "") -> dict[str, int]:
    """The index invariant (ingest/store.py): every report once, each with exactly the
    chunks its record counts, all carrying the record's content hash; no other chunk;
    no id twice; the vector index answers for every report. Returns doc_id -> chunks."""
    index = Index(settings)
    index._chroma.collection()
    index.reopen()  # what is on disk, not a vector index this process loaded before the ingest
    why = f" ({context})" if context else ""
    infos = index.record_infos()
    hashes = index.hashes()
    assert sorted(infos) == sorted(expected_ids), f"records {sorted(infos)} != {sorted(expected_ids)}{why}"
    assert sorted(hashes) == sorted(expected_ids), f"records without a content hash{why}"
    # beside each record, its version's chunk and sentence vectors and nothing else
    vectors = {index._records.vectors_path(doc_id, h, suffix).name
               for doc_id, h in hashes.items() for suffix in record_files.VECTOR_FILES}
    leftovers = [p.name for p in settings.records_dir.iterdir() if p.suffix != ".json" and p.name not in vectors]
    assert not leftovers, f"temp or orphan files left in records/: {leftovers}{why}"
    unreadable = [doc_id for doc_id, h in hashes.items()
                  if index.sentence_vectors(doc_id, h) is None or index.chunk_vectors(doc_id, h) is None]
    assert not unreadable, f"reports without their vectors: {unreadable}{why}"

    got = index._chroma.collection().get(include=["metadatas"])
    ids, metas = got["ids"], got["metadatas"]
    assert len(ids) == len(set(ids)), f"duplicate chunk ids{why}"
    orphans = [(cid, (m or {}).get("doc_id"), ((m or {}).get("content_hash") or "")[:12])
               for cid, m in zip(ids, metas) if hashes.get((m or {}).get("doc_id")) != (m or {}).get("content_hash")]
    assert not orphans, f"{len(orphans)} orphan chunks, e.g. {orphans[:3]}{why}"

    counts = {}
    for doc_id in expected_ids:
        expected = infos[doc_id].get("chunks")
        assert isinstance(expected, int) and expected > 0, f"{doc_id}: record has no chunk count{why}"
        have = index.count(doc_id=doc_id)
        current = index.count(doc_id=doc_id, content_hash=hashes[doc_id])
        assert have == current == expected, (
            f"{doc_id}: record says {expected} chunks, Chroma holds {have} ({current} of the record's hash){why}")
        counts[doc_id] = have
    assert index.count() == sum(counts.values()) == len(ids), f"collection count differs from the records{why}"

    # The vector index itself (not only the metadata) survived: each report's first
    # chunk, queried with its own stored vector, is its own nearest neighbour.
    for doc_id in expected_ids:
        first = index._chroma.collection().get(where={"doc_id": doc_id}, limit=1, include=["embeddings"])
        vector = list(map(float, first["embeddings"][0]))
        hits = index.query(vector, 3, where={"doc_id": doc_id})
        exact = [chunk.chunk_id for chunk, similarity in hits if similarity > 0.999]  # a twin may tie
        assert first["ids"][0] in exact, (
            f"{doc_id}: its chunk {first['ids'][0]} is not found by its own vector: "
            f"{[(c.chunk_id, round(s, 3)) for c, s in hits]}{why}")
    return counts


def _wait_for(predicate, proc: subprocess.Popen, timeout: float, what: str, err: Path) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc.poll() is not None:
            pytest.fail(f"ingest exited ({proc.returncode}) before {what}:\n{err.read_text(errors='replace')[-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {timeout:.0f}s")
        time.sleep(0.05)


# -- 1. an ingest killed with SIGKILL ----------------------------------------------------------

# (seed, what must happen before the random delay starts, the longest delay in seconds).
# 'records': the first report is committed; the others are being read, embedded, stored.
# 'write': after that first commit, Chroma's files change again, i.e. the next report's
# chunks are being stored and not yet committed: the kill lands in or just after that write.
# ('chroma', the chroma/ folder appearing, was tried too: kills before any commit, during
# the model load; seeds 1, 2, 5 and 20240611 all passed.) The delays stay well under what
# is left of a full ingest on a fast machine (~15 s).
KILL_POINTS = [(7, "records", 6.0), (20240611, "write", 0.3)]


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for p in folder.rglob("*"):
        try:
            st = p.stat()
        except OSError:  # a journal file that came and went
            continue
        out[str(p.relative_to(folder))] = (st.st_mtime_ns, st.st_size)
    return out


@pytest.mark.parametrize("seed,trigger,max_delay", KILL_POINTS, ids=[f"{t}-{s}" for s, t, _ in KILL_POINTS])
def test_ingest_killed_at_a_random_point_then_rerun_leaves_a_consistent_index(tmp_path, seed, trigger, max_delay):
    folder = _copy_corpus(tmp_path / "corpus")
    settings = Settings(data_dir=tmp_path / "data")
    rng = random.Random(seed)
    delay = rng.uniform(0.0, max_delay)

    proc, _, err = _start_ingest(settings.data_dir, folder, tmp_path, "killed")
    try:
        if trigger == "chroma":
            _wait_for(settings.chroma_dir.exists, proc, 120, "chroma/ folder", err)
        else:
            _wait_for(lambda: any(settings.records_dir.glob("*.json")) if settings.records_dir.exists() else False,
                      proc, 300, "committed record", err)
        if trigger == "write":
            time.sleep(0.3)  # past the commit's own clean-up
            before = _files(settings.chroma_dir)
            _wait_for(lambda: _files(settings.chroma_dir) != before, proc, 300, "write after the first commit", err)
        time.sleep(delay)
        still_running = proc.poll() is None
        committed = sorted(p.stem for p in settings.records_dir.glob("*.json")) if settings.records_dir.exists() else []
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        _kill(proc)
    context = f"seed={seed} trigger={trigger} delay={delay:.2f}s; committed when killed: {committed}"
    assert still_running, f"the ingest had already finished: nothing was killed ({context})"
    assert proc.returncode == -signal.SIGKILL, context

    # what the kill left: chunks of the committed reports, and any orphans (repair's work)
    probe = Index(settings)
    stored = probe.count()
    of_committed = sum(info.get("chunks", 0) for info in probe.record_infos().values())
    probe._chroma._client.close()  # let the re-run have the folder to itself
    context += f"; chunks left {stored}, of committed reports {of_committed}"

    again = _run_ingest(settings.data_dir, folder)
    assert again.returncode == 0, f"re-run after the kill failed ({context}):\n{again.stderr[-3000:]}"
    assert "Traceback" not in again.stderr, context
    counts = assert_consistent(settings, CORPUS_IDS, context)
    print(f"{context}; after the re-run: {counts}")

    # and a third run has nothing left to do
    third = _run_ingest(settings.data_dir, folder)
    assert third.returncode == 0 and third.stdout.count("unchanged") == len(CORPUS_IDS), (
        f"{context}:\n{third.stdout}\n{third.stderr[-2000:]}")


def test_repair_deletes_the_temp_file_of_a_record_whose_write_was_killed(tmp_path, embedder):
    """A kill inside _write_json (between mkstemp and os.replace) leaves '.<doc>.<random>.tmp'
    in records/ (seen with the 'write' kill point above); the next ingest's repair deletes it."""
    folder = _write_corpus(tmp_path / "corpus", {
        "dorset-2011-ofsted.txt": (report_text("Dorset", 2011, ["adoption"]), "Dorset County Council", 2011)})
    settings = Settings(data_dir=tmp_path / "data")
    ingestor = Ingestor(settings, embedder=embedder)
    assert [r.status for r in ingestor.ingest([folder])] == ["added"]
    stray = settings.records_dir / ".poole-2017-ofsted.k2j4x9qa.tmp"
    stray.write_text('{"half": ', encoding="utf-8")
    assert [r.status for r in ingestor.ingest([folder])] == ["unchanged"]
    assert [p.name for p in settings.records_dir.iterdir() if p.name.startswith(".")] == []
    assert_consistent(settings, ["dorset-2011-ofsted"])


# -- 2. two ingests at once; queries during an ingest -----------------------------------------


def test_two_ingests_at_once_one_runs_the_other_waits_or_refuses(tmp_path):
    names = ["darlington-2012-cabinet-inspection-summary", "dorset-2016-cabinet-post-ofsted-progress"]
    folder = _copy_corpus(tmp_path / "corpus", names)
    settings = Settings(data_dir=tmp_path / "data")
    a, _, a_err = _start_ingest(settings.data_dir, folder, tmp_path, "a")
    b, _, b_err = _start_ingest(settings.data_dir, folder, tmp_path, "b")
    try:
        codes = (a.wait(timeout=SUBPROCESS_TIMEOUT), b.wait(timeout=SUBPROCESS_TIMEOUT))
    finally:
        _kill(a)
        _kill(b)
    errs = (a_err.read_text(errors="replace"), b_err.read_text(errors="replace"))
    report = f"exit codes {codes}; stderr a:\n{errs[0][-1500:]}\nstderr b:\n{errs[1][-1500:]}"
    assert 0 in codes, report
    for code, text in zip(codes, errs):
        assert "Traceback" not in text, report
        if code != 0:
            assert code == 1, report
            lines = [line for line in text.splitlines() if line.strip()]
            assert lines == [f"error: another ingest is running ({settings.data_dir / 'ingest.lock'}); "
                             "wait for it to finish"], report
    assert_consistent(settings, names, report)


def test_a_reader_opened_before_another_process_ingests_finds_the_new_chunks(tmp_path, embedder):
    """Embedded Chroma loads its vector index once per process: without Index.reopen a
    search filtered to the new report failed ('Error finding id') and an unfiltered one
    missed it, until the reading process (the page) was restarted."""
    dorset = {"dorset-2011-ofsted.txt": (report_text("Dorset", 2011, ["adoption", "fostering"]),
                                         "Dorset County Council", 2011)}
    settings = Settings(data_dir=tmp_path / "data")
    results = Ingestor(settings, embedder=embedder).ingest([_write_corpus(tmp_path / "one", dorset)])
    assert [r.status for r in results] == ["added"]
    reader = Index(settings)
    (vector,) = embedder.embed(["care leavers and early help in Poole"])
    assert {c.doc_id for c, _ in reader.query(vector, 3)} == {"dorset-2011-ofsted"}  # loads the vector index

    both = _write_corpus(tmp_path / "two", {**dorset, "poole-2017-ofsted.txt": (
        report_text("Poole", 2017, ["care leavers", "early help"]), "Borough of Poole", 2017)})
    proc = _run_ingest(settings.data_dir, both)
    assert proc.returncode == 0, proc.stderr

    ids = ["dorset-2011-ofsted", "poole-2017-ofsted"]
    filtered = reader.query(vector, 3, where={"doc_id": {"$in": ids}})
    assert [c.doc_id for c, _ in filtered] == ["poole-2017-ofsted"] * 3
    assert [c.doc_id for c, _ in reader.query(vector, 3)] == ["poole-2017-ofsted"] * 3
    assert_consistent(settings, ids)


CHANGED_DOC = "dorset-2020-self-evaluation"  # the longest report: its re-ingest takes longest
EXTRA_DOC = "weymouth-2019-ofsted"
QUESTIONS = [
    "What grade did Ofsted give Dorset for being healthy in 2011?",
    "What were Poole's recommendations in 2017?",
    "How many social workers does Dorset have?",
    "What did inspectors find about care leavers?",
    "What does the self-evaluation say about early help?",
    "What did inspectors find about adoption in Weymouth?",
]


def test_queries_keep_working_while_an_ingest_changes_the_index(tmp_path, corpus_settings, embedder):
    """One AnswerChain (as the page holds) answers in a loop while `python -m ingest` replaces
    a report and adds one in the same embedded index; before Index.reopen the ~20th question
    failed with 'Error finding id'. Every paragraph an answer cites or retrieves exists."""
    from rag.chain import AnswerChain

    # a data dir that already holds the five reports (a copy of the session's index)
    data = tmp_path / "data"
    shutil.copytree(corpus_settings.data_dir, data, ignore=shutil.ignore_patterns("ingest.lock"))
    settings = Settings(data_dir=data)
    before = Index(settings).hashes()
    assert sorted(before) == CORPUS_IDS

    # the same folder with one report changed (a paragraph added) and one new report
    folder = _copy_corpus(tmp_path / "corpus")
    changed = folder / f"{CHANGED_DOC}.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nA note added for the fault tests: the council "
                       "reviewed its arrangements for children missing from education in the autumn.\n",
                       encoding="utf-8")
    (folder / f"{EXTRA_DOC}.txt").write_text(report_text("Weymouth", 2019, ["adoption", "fostering", "care leavers"]),
                                             encoding="utf-8")
    with open(folder / "manifest.csv", "a", encoding="utf-8") as fh:
        fh.write(f'{EXTRA_DOC}.txt,Weymouth and Portland Borough Council,2019,Ofsted,inspection report,'
                 '"Inspection: Weymouth",\n')

    chain = AnswerChain(settings, embedder=embedder)
    chain.warm_up()
    index = Index(settings)  # a second reader, for checking what the answers cite

    def check_answer(question: str) -> tuple[int, bool]:
        answer = chain.ask(question)
        hits = chain.hits_for(question)
        cited = [(c.doc_id, c.locator, c.text) for c in answer.citations + answer.suggestions]
        cited += [(h.meta.doc_id, h.paragraph.locator, h.paragraph.text) for h in hits if h.source == "text"]
        for doc_id, locator, text in cited:
            # the paragraph is in the index as committed now (the change only adds a paragraph)
            paragraph = index.report(doc_id).paragraph(locator)
            assert paragraph.text == text, f"{doc_id} [{locator}] differs from the index"
        return len(cited), answer.abstained

    proc, _, err = _start_ingest(data, folder, tmp_path, "changing")
    asked = during = 0
    seen_versions = {tuple(sorted(before.items()))}
    try:
        while proc.poll() is None:
            question = QUESTIONS[asked % len(QUESTIONS)]
            try:
                check_answer(question)
            except Exception as exc:  # noqa: BLE001 - any failure here is the finding
                raise AssertionError(f"question {asked} ({question!r}) failed while the ingest ran: "
                                     f"{type(exc).__name__}: {exc}") from exc
            asked += 1
            if proc.poll() is None:
                during += 1
            seen_versions.add(tuple(sorted(chain.retriever._snapshot.hashes.items())))
        code = proc.wait(timeout=SUBPROCESS_TIMEOUT)
    finally:
        _kill(proc)
    assert code == 0, err.read_text(errors="replace")[-3000:]
    assert during >= 3, f"only {during} questions were answered while the ingest ran"

    after = Index(settings).hashes()
    assert after[CHANGED_DOC] != before[CHANGED_DOC] and EXTRA_DOC in after
    # an unscoped search (no Chroma filter, so no 'Error finding id' to prompt a reload)
    # finds the new report's chunks by their vectors once the chain has refreshed
    from rag.model import Filters

    chain.retriever.refresh()
    last = index.report(EXTRA_DOC).paragraphs[-1]
    assert (EXTRA_DOC, last.locator) in [key for key, _ in chain.retriever.search(last.text, Filters()).dense]
    assert_consistent(settings, CORPUS_IDS + [EXTRA_DOC], f"{asked} questions asked, {during} during the ingest")

    # the same chain, not rebuilt, now answers from the new report
    n, abstained = check_answer("What did inspectors find about adoption in Weymouth?")
    assert not abstained and n, "the new report is not found after the ingest"
    assert EXTRA_DOC in chain.retriever.reports
    print(f"{asked} questions, {during} during the ingest, {len(seen_versions)} index versions seen")


# -- 3. the Chroma server goes away mid-session and comes back -----------------------------------


@pytest.fixture
def own_chroma_server(tmp_path):
    server = chroma_at(tmp_path / "chroma-server")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_server_down_mid_session_is_a_clear_error_and_the_chain_recovers(own_chroma_server, tmp_path, embedder):
    from rag.chain import AnswerChain

    server = own_chroma_server
    folder = _write_corpus(tmp_path / "corpus", {
        "dorset-2011-ofsted.txt": (report_text("Dorset", 2011, ["adoption", "fostering"]), "Dorset County Council", 2011),
        "poole-2017-ofsted.txt": (report_text("Poole", 2017, ["care leavers", "early help"]), "Borough of Poole", 2017),
    })
    settings = Settings(data_dir=tmp_path / "data", chroma_host="127.0.0.1", chroma_port=server.port)
    results = Ingestor(settings, embedder=embedder).ingest([folder])
    assert [r.status for r in results] == ["added", "added"], [r.error for r in results]

    # across every report: Chroma searches (a question naming a council is searched on the
    # chunk vectors beside the records, so it would not notice the server go)
    question = "What did inspectors find about adoption?"
    chain = AnswerChain(settings, embedder=embedder)
    first = chain.ask(question)
    assert not first.abstained and first.citations, first.text

    server.stop()
    with pytest.raises(RagError) as down:
        chain.ask(question)
    message = str(down.value)
    assert isinstance(down.value, StoreError), repr(down.value)
    assert "\n" not in message
    # what failed, where, why (the connection is refused) and what to do: the same advice
    # as when the server is down before the session starts
    assert message.startswith(f"cannot search the index: cannot reach the Chroma server at 127.0.0.1:{server.port} ("), message
    assert "Connection refused" in message, message
    assert message.endswith(f"; start it with `chroma run --path DIR --port {server.port}` or unset CHROMA_HOST"), message

    proc = subprocess.run(
        [sys.executable, "-m", "rag", "ask", question], cwd=ROOT, capture_output=True, text=True, timeout=180,
        env=_env(settings.data_dir, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(server.port)),
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "cannot reach the Chroma server" in lines[0], lines
    assert proc.stdout == ""

    server.start()  # same port, same --path
    again = chain.ask(question)  # the same chain: no restart
    assert not again.abstained and [c.label for c in again.citations] == [c.label for c in first.citations]
    assert chain.retriever.index.count() == sum(r.chunks for r in results)


# -- 3b. a folder of bad files among good ones ----------------------------------------------------


def test_every_kind_of_bad_file_gets_one_line_and_the_good_ones_are_ingested(tmp_path):
    """The issue's list of bad files in one folder with two good reports, through
    `python -m ingest` as a user runs it: one 'error: <file>: <what to do>' line per bad
    file, no traceback, exit 1, the good reports indexed once and nothing else stored;
    a second run changes nothing."""
    from pypdf import PdfReader, PdfWriter

    folder = _write_corpus(tmp_path / "corpus", {
        "dorset-2011-ofsted.txt": (report_text("Dorset", 2011, ["adoption", "fostering"]), "Dorset County Council", 2011),
        "poole-2017-ofsted.txt": (report_text("Poole", 2017, ["care leavers"]), "Borough of Poole", 2017),
        "leeds-2015-contents.txt": ("Contents\n\nPage 2\n", "Leeds City Council", 2015),
    })
    poole = folder / "poole-2017-ofsted.txt"  # Windows-1252, as Word's 'plain text' saves it
    poole.write_bytes((poole.read_text(encoding="utf-8") + "\nThe council\u2019s budget rose by \u00a32m.\n").encode("cp1252"))
    shutil.copy(folder / "dorset-2011-ofsted.txt", folder / "second-copy-dorset-2011.txt")  # one report, two names (read second)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(random.Random(1).randrange(256) for _ in range(4096)) + b"\0\0")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4 garbage")
    writer = PdfWriter(clone_from=PdfReader(make_pdf(tmp_path / "r.pdf", [["1. The council's services are good."]])))
    writer.encrypt(user_password="x")
    writer.write(folder / "locked.pdf")
    make_pdf(folder / "scan.pdf", [[]])  # pages without a text layer
    with (folder / "huge.txt").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # 50 MB (sparse)
    expected = {
        "second-copy-dorset-2011.txt": "same text as dorset-2011-ofsted; remove one",
        "empty.txt": "file is empty",
        "binary.txt": "looks like a binary file",
        "corrupt.pdf": "PDF is corrupt or not a PDF",
        "locked.pdf": "PDF is encrypted; save an unencrypted copy",
        "scan.pdf": "PDF has no text layer (a scan?); run OCR",
        "huge.txt": "file is 50.0 MB, over the 20 MB limit",
        "leeds-2015-contents.txt": "no paragraphs found",
    }
    good = ["dorset-2011-ofsted", "poole-2017-ofsted"]
    data = tmp_path / "data"
    settings = Settings(data_dir=data)

    for run in ("first", "again"):
        proc = _run_ingest(data, folder)
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert len(lines) == len(expected), (run, lines)
        for name, reason in expected.items():
            (line,) = [line for line in lines if line.startswith(f"error: {folder / name}: ")]
            assert reason in line, (run, line)
        status = "added" if run == "first" else "unchanged"
        for doc_id in good:
            assert any(doc_id in row and status in row for row in proc.stdout.splitlines()), proc.stdout
        assert_consistent(settings, good, run)
    assert "\u00a32m" in Index(settings).report("poole-2017-ofsted").paragraphs[-1].text


# -- 4. questions the command line cannot take, or takes in another language ---------------------


def _ask_cli(data_dir: Path, question: str | bytes, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag", "ask", question, *args], cwd=ROOT, env=_env(data_dir),
                          capture_output=True, timeout=180)


@pytest.mark.parametrize("question,starts", [
    pytest.param(("What grade did Ofsted give Dorset? " * 3000)[:100_000] + "x",
                 "error: the question is 100001 characters long; keep it under 2000", id="100kB"),
    pytest.param("\x01\x02\x03\x07\x08\x0b\x0c\x1b\x7f\u200b\u2028\ufeff", "error: the question is empty",
                 id="control-characters-only"),
    pytest.param(b"\xff\xfe\x80\xc3", "error: the question is empty", id="invalid-utf8-bytes-only"),
])
def test_a_question_that_cannot_be_taken_is_one_line_and_exit_2(corpus_settings, question, starts):
    proc = _ask_cli(corpus_settings.data_dir, question)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr and proc.stdout == b""
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(starts), lines


@pytest.mark.parametrize("question,args", [
    pytest.param("Beth oedd gradd Ofsted ar gyfer Dorset?", (), id="welsh"),
    pytest.param("Beth oedd gradd Ofsted ar gyfer Dorset?", ("--json",), id="welsh-json"),
    pytest.param(b"What did Ofsted say about adoption in Dorset \xff\xfe?", ("--json",), id="stray-bytes-json"),
])
def test_a_question_in_another_language_or_with_stray_bytes_is_answered_or_abstained(corpus_settings, question, args):
    proc = _ask_cli(corpus_settings.data_dir, question, *args)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr and "error:" not in stderr
    out = proc.stdout.decode("utf-8")  # valid UTF-8: no stray surrogate reached the output
    assert out.strip()
    if "--json" in args:
        answer = json.loads(out)
        assert answer["abstained"] or answer["citations"], answer
        assert "\ufffd" not in answer["question"] and "\udcff" not in answer["question"]
