"""Shared fixtures: no network, settings in tmp, one real embedder.

Fixtures:
- ``block_network`` (autouse): ``socket.connect`` to anything but loopback or a
  Unix socket raises, so a test that tries to download fails at once.
- ``settings``: ``Settings`` whose data dir and corpus dir are in ``tmp_path``.
- ``embedder``: the real all-MiniLM-L6-v2 model, loaded once per session.
- ``make_report``: builds a small hand-made ``Report`` (no parser involved).
- ``write_corpus``: writes report .txt files and a manifest.csv into a folder.
"""
from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from core.model import Judgement, Kind, Paragraph, Recommendation, Report, ReportMeta, Voice  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.embedder import Embedder  # noqa: E402 (after the offline settings above)


# -- network ---------------------------------------------------------------------------


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def block_network(monkeypatch):
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
            raise OSError(f"network access blocked in tests: {address!r}")
        return real_connect(sock, address)

    def connect_ex(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
            raise OSError(f"network access blocked in tests: {address!r}")
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield


# -- settings, model -----------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")


@pytest.fixture(scope="session")
def embedder():
    """The real model, loaded once for the whole session (shared via load_embedder)."""
    from ingest.embedder import load_embedder

    return load_embedder(Settings())


# -- hand-made reports ---------------------------------------------------------------------


def _make_report(
    doc_id: str = "dorset-2011",
    paragraphs: list[tuple] | None = None,
    *,
    authority: str = "Dorset County Council",
    year: int = 2011,
    voice: Voice = Voice.OFSTED,
    title: str = "Inspection of safeguarding and looked after children services: Dorset",
    judgements: list[tuple] = (),
    recommendations: list[tuple] = (),
    content_hash: str = "",
) -> Report:
    """paragraphs: (locator, heading_path tuple, text[, kind[, lead_in]]) in reading order.
    judgements: (area, heading_path tuple, grade). recommendations: (locator, text, timescale)."""
    if paragraphs is None:
        paragraphs = [
            ("1", ("About this inspection",), "The inspection evaluated services for children in care."),
            ("2", ("Services for looked after children", "Being healthy"),
             "Health assessments for looked after children are timely and of good quality."),
            ("3", ("Services for looked after children", "Staying safe"),
             "Children in care say they feel safe in their placements and with their carers."),
        ]
    meta = ReportMeta(
        doc_id=doc_id,
        title=title,
        authority=authority,
        year=year,
        publisher="Ofsted" if voice is Voice.OFSTED else authority,
        report_type="inspection report" if voice is Voice.OFSTED else "council report",
        voice=voice,
        source_file=f"{doc_id}.txt",
        period="",
    )
    paras = []
    for order, p in enumerate(paragraphs):
        locator, path, text = p[0], tuple(p[1]), p[2]
        kind = p[3] if len(p) > 3 else Kind.PARAGRAPH
        lead_in = p[4] if len(p) > 4 else ""
        number = locator if locator.replace(".", "").isdigit() else None
        paras.append(Paragraph(doc_id, locator, path, kind, text, order, number=number, lead_in=lead_in))
    judg = tuple(
        Judgement(doc_id, area, tuple(path), grade.capitalize(), grade, None,
                  "safeguarding and looked after children (2009-2013)", f"{area} grade", "grade line")
        for area, path, grade in judgements
    )
    recs = tuple(Recommendation(doc_id, text, timescale, "", locator) for locator, text, timescale in recommendations)
    if not content_hash:
        import hashlib

        content_hash = hashlib.sha256(repr((meta, paras, judg, recs)).encode()).hexdigest()
    return Report(meta, tuple(paras), judg, recs, content_hash)


@pytest.fixture
def make_report():
    return _make_report


# -- files on disk ---------------------------------------------------------------------------

MANIFEST_HEADER = "file,authority,year,publisher,report_type,title,period\n"


def report_text(place: str, year: int, topics: list[str]) -> str:
    """A small report in the corpus's plain-text shape: title, headings, numbered paragraphs."""
    lines = [f"Inspection of children's services: {place}", "", f"Published: 1 March {year}", ""]
    n = 1
    for topic in topics:
        lines += [topic.capitalize(), ""]
        lines += [
            f"{n}. Inspectors found that {topic} arrangements for children in {place} were reviewed "
            f"regularly by managers, and that staff understood their responsibilities well.",
            "",
            f"{n + 1}. The council's work on {topic} has improved since {year - 2}; partners share "
            f"information promptly and children's views shape the plans made for them.",
            "",
        ]
        n += 2
    return "\n".join(lines)


def _write_corpus(folder: Path, reports: dict[str, tuple[str, str, int]], extra_rows: str = "") -> Path:
    """reports: file name -> (text, authority, year). Writes the files and manifest.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [MANIFEST_HEADER]
    for name, (text, authority, year) in reports.items():
        (folder / name).write_text(text, encoding="utf-8")
        rows.append(f'{name},{authority},{year},Ofsted,inspection report,"Inspection: {authority}",\n')
    (folder / "manifest.csv").write_text("".join(rows) + extra_rows, encoding="utf-8")
    return folder


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with a text layer: each page's lines drawn top down (reportlab)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        for i, line in enumerate(lines):
            c.drawString(72, 780 - 20 * i, line)
        c.showPage()
    c.save()
    return path


@pytest.fixture
def write_corpus():
    return _write_corpus


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """Two good reports, a README and a non-report file that a folder walk skips."""
    folder = _write_corpus(
        tmp_path / "corpus",
        {
            "dorset-2011-ofsted.txt": (report_text("Dorset", 2011, ["adoption", "fostering"]),
                                       "Dorset County Council", 2011),
            "poole-2017-ofsted.txt": (report_text("Poole", 2017, ["care leavers", "early help"]),
                                      "Borough of Poole", 2017),
        },
    )
    (folder / "README.md").write_text("# test corpus\n", encoding="utf-8")
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return folder


# -- a real Chroma server ------------------------------------------------------------------

START_TIMEOUT = 60.0  # seconds for the server to answer its heartbeat


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_script() -> Path:
    script = Path(sys.executable).parent / "chroma"
    if not script.exists():
        pytest.fail(f"the chroma CLI is not next to {sys.executable}; install chromadb in this environment")
    return script


class Server:
    """A server subprocess for tests: ``start()`` runs ``command`` and waits until ``health``
    answers 200 (with ``expect`` in the body); ``stop()`` ends it; ``start()`` again reuses
    the same command, port and log. Output goes to ``log_path``, shown if it fails to start."""

    def __init__(self, name: str, command: list[str], port: int, health: str, log_path: Path, *,
                 env: dict | None = None, cwd: Path | None = None, timeout: float = START_TIMEOUT,
                 expect: bytes = b""):
        self.name, self.command, self.port, self.health, self.log_path = name, command, port, health, log_path
        self.env, self.cwd, self.timeout, self.expect = env, cwd, timeout, expect
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.timeout
        while True:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self.proc = None
                pytest.fail(f"{self.name} exited with {code}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.health, timeout=2) as resp:
                    if resp.status == 200 and self.expect in resp.read():
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"{self.name} did not answer {self.health} within {self.timeout:.0f}s:\n{self.tail()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
        self.proc = None

    def tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError as exc:
            return f"(no server output: {exc})"


def chroma_at(path: Path) -> Server:
    """A `chroma run` keeping its data in ``path/db``, on a free loopback port (not started)."""
    path.mkdir(parents=True, exist_ok=True)
    port = free_port()
    return Server("chroma run", [str(chroma_script()), "run", "--path", str(path / "db"), "--host", "127.0.0.1",
                                 "--port", str(port)],
                  port, f"http://127.0.0.1:{port}/api/v2/heartbeat", path / "server.log",
                  env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A `chroma run` on a free loopback port; yields (host, port); stopped at the end."""
    server = chroma_at(tmp_path_factory.mktemp("chroma-server"))
    server.start()
    try:
        yield "127.0.0.1", server.port
    finally:
        server.stop()


# -- the real corpus, ingested once ---------------------------------------------------------------

CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory, embedder) -> Settings:
    """The five corpus reports ingested once per session (real model, embedded Chroma).
    Read-only: tests that change the index make their own."""
    import shutil

    from ingest.pipeline import Ingestor

    root = tmp_path_factory.mktemp("corpus-index")
    folder = root / "corpus"
    shutil.copytree(CORPUS, folder)
    settings = Settings(data_dir=root / "data", corpus_dir=folder)
    results = Ingestor(settings, embedder=embedder).ingest([folder])
    assert len(results) == 5 and not [r.error for r in results if r.failed]
    return settings


# -- the Streamlit page in a real browser ----------------------------------------------------------

STREAMLIT_START_TIMEOUT = 120.0  # seconds for `streamlit run` to answer /_stcore/health
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (apt), never a downloaded browser build
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # without these Chromium's own connections are refused by the closed network
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # containers often have a small /dev/shm; Chromium crashes if it fills
    "--disable-dev-shm-usage",
]
CHROMIUM_MISSING = "Debian chromium is not installed: scripts/test.sh installs it with apt-get when run as root"
# Outer settings the page must not pick up: it reads the test index, offline, embedded Chroma.
_SERVER_ENV_DROP = ("RAG_", "CHROMA_", "OPENAI_", "OLLAMA_")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "browser: drives the Streamlit page in headless Debian chromium via Playwright "
        "(skipped when /usr/bin/chromium is missing); skip with -m \"not browser\"",
    )


@pytest.fixture(scope="session")
def streamlit_app(tmp_path_factory, corpus_settings):
    """`streamlit run ui/app.py` on a free loopback port, reading the ingested test corpus.
    Yields the base URL (``http://127.0.0.1:PORT``); the server is stopped at the end."""
    path = tmp_path_factory.mktemp("streamlit-server")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SERVER_ENV_DROP)}
    env.update(
        RAG_DATA_DIR=str(corpus_settings.data_dir),
        RAG_CORPUS_DIR=str(corpus_settings.corpus_dir),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        ANONYMIZED_TELEMETRY="False",
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    base = f"http://127.0.0.1:{port}"
    server = Server("streamlit run",
                    [sys.executable, "-m", "streamlit", "run", "ui/app.py",
                     "--server.address", "127.0.0.1", "--server.port", str(port),
                     "--server.headless", "true", "--browser.gatherUsageStats", "false",
                     "--server.fileWatcherType", "none"],
                    port, f"{base}/_stcore/health", path / "server.log", env=env, cwd=ROOT,
                    timeout=STREAMLIT_START_TIMEOUT, expect=b"ok")
    server.start()
    try:
        yield base
    finally:
        server.stop()


@pytest.fixture
def browser_page(tmp_path):
    """A Playwright page in headless Debian chromium (/usr/bin/chromium), fresh profile.
    Default timeout 60 s (the first question loads the model). Skips when chromium or
    playwright is missing. The in-process network block does not touch it: Playwright
    talks to its driver over pipes, and the browser only opens 127.0.0.1."""
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_MISSING)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -r requirements.txt")

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(60_000)
            yield page
            context.close()
        finally:
            browser.close()
    finally:
        pw.stop()


class SpyEmbedder(Embedder):
    """Wraps the real embedder: counts its calls and records the texts; can fail on the n-th call."""

    def __init__(self, inner, fail_on: int | None = None, error: BaseException | None = None):
        self.inner = inner
        self.model_name = inner.model_name
        self.calls = 0
        self.texts: list[str] = []
        self.fail_on = fail_on
        self.error = error

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def warm_up(self) -> None:
        self.inner.warm_up()

    def embed(self, texts):
        self.calls += 1
        if self.fail_on == self.calls:
            raise self.error
        self.texts += list(texts)
        return self.inner.embed(texts)


@pytest.fixture(scope="module")
def chain(corpus_settings, embedder):
    """The answer chain over the seed corpus's index, warmed up (one per test module)."""
    from rag.chain import AnswerChain

    c = AnswerChain(corpus_settings, embedder=embedder)
    c.warm_up()
    return c


@pytest.fixture
def evals_env(monkeypatch, corpus_settings):
    """The environment `python -m evals` reads: the session's ingested corpus, offline answerer."""
    monkeypatch.setenv("RAG_DATA_DIR", str(corpus_settings.data_dir))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(corpus_settings.corpus_dir))
    for var in ("RAG_LLM", "RAG_TOP_K", "CHROMA_HOST", "RAG_COLLECTION", "RAG_RETRIEVAL"):
        monkeypatch.delenv(var, raising=False)
