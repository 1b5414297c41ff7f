"""What ingest stores for questions, used at question time: the real corpus, model and Chroma.

Ingest embeds every paragraph's sentences once (as it embeds the chunks) and keeps them
beside the records; the sentence ranker and the extractive answerer read them instead of
embedding a question's candidate sentences, so a warm question embeds only itself. It also
keeps the chunks' vectors there, so a search of a few reports is done on them instead of
asking Chroma. The answers must be the ones the chain gave before (sentences embedded per
question, Chroma filtering by metadata), which is also what it still does on an index
ingested before these were stored.
"""
from __future__ import annotations

import dataclasses
import json
import shutil

import pytest
from conftest import SpyEmbedder

from rag.chain import AnswerChain
from rag.keyword import as_reports_say, without_report_named

pytestmark = pytest.mark.integration

# Staff-style questions that go through retrieval and the extractive answerer (numbers,
# dates, people, facts, a comparison, one the reports do not answer, one across every report).
QUESTIONS = (
    "How many children were looked after by Dorset County Council at the 2011 inspection?",
    "How many children in Dorset were subject to a child protection plan in 2011?",
    "When was Ofsted's 2011 report on Dorset published?",
    "Who was the lead inspector for the 2017 Poole inspection?",
    "What did Ofsted say about the out of hours service in Dorset in 2011?",
    "What does Dorset's 2020 self-evaluation say about caseloads?",
    "How did Poole's LSCB monitor the effectiveness of early help in 2017?",
    "What did the Darlington cabinet report say about the Ofsted action plan?",
    "How did the rate of Dorset care leavers in education, employment or training compare with the national "
    "average in 2011?",
    "What was the social worker vacancy rate in Dorset at the time of the 2011 inspection?",
    "What do the reports say about missing children and return home interviews?",
    "What did Dorset Cabinet agree in 2016 about the improvement plan?",
)



def comparable(answer) -> tuple[dict, list]:
    """What the answer says and cites; what was retrieved."""
    d = answer.to_dict()
    del d["latency_ms"]
    return d, d.pop("retrieved")


@pytest.fixture(scope="module")
def stored_chain(corpus_settings, embedder):
    chain = AnswerChain(corpus_settings, embedder=SpyEmbedder(embedder))
    chain.warm_up()
    return chain


@pytest.fixture(scope="module")
def old_index_chain(corpus_settings, embedder, tmp_path_factory):
    """The same index without its sentence vectors, as an index ingested before they were
    stored: the chain embeds each question's candidate sentences, as it always did."""
    data = tmp_path_factory.mktemp("old-index") / "data"
    shutil.copytree(corpus_settings.data_dir, data)
    removed = [p.unlink() for p in (data / "records").glob("*.npy")]
    assert len(removed) == 10
    for path in (data / "records").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        del record["index"]["sentences"], record["index"]["chunk_ids"]
        path.write_text(json.dumps(record), encoding="utf-8")
    chain = AnswerChain(dataclasses.replace(corpus_settings, data_dir=data), embedder=SpyEmbedder(embedder))
    chain.warm_up()
    return chain


def test_a_warm_question_embeds_only_itself(stored_chain):
    recorded = stored_chain._embedder
    for question in QUESTIONS:
        recorded.texts.clear()
        answer = stored_chain.ask(question)
        # the question, as the reports say it, less the words naming the report its filters chose
        assert recorded.texts == [as_reports_say(without_report_named(question))], answer.text
    assert stored_chain.retriever._snapshot.sentence_rows  # the stored rows were what it read


def test_answers_are_those_of_an_index_without_what_ingest_stores_for_them(stored_chain, old_index_chain,
                                                                             monkeypatch):
    searches = {"stored": [], "old": []}
    for name, chain in (("stored", stored_chain), ("old", old_index_chain)):
        query = chain.retriever.index.query

        def recorded(*args, _query=query, _name=name, **kwargs):
            searches[_name].append(kwargs)
            return _query(*args, **kwargs)

        monkeypatch.setattr(chain.retriever.index, "query", recorded)
    answered = 0
    for question in QUESTIONS:
        old_index_chain._embedder.texts.clear()
        before = old_index_chain.ask(question)
        assert len(old_index_chain._embedder.texts) > 1  # it did embed sentences: the comparison means something
        now = stored_chain.ask(question)
        # Vectors embedded in another batch differ in the sixth decimal, which can swap two
        # near-tied paragraphs at the edge of what is retrieved (seen once in CI: the fifth
        # of eight); what the answer says and cites must not change.
        (said_now, retrieved_now), (said_before, retrieved_before) = comparable(now), comparable(before)
        assert said_now == said_before, question
        assert len(retrieved_now) == len(retrieved_before) and retrieved_now[:1] == retrieved_before[:1], question
        assert sum(hit not in retrieved_before for hit in retrieved_now) <= 1, question
        answered += not now.abstained
    assert answered >= len(QUESTIONS) - 3
    # Chroma was asked only to search every report; the old index's searches of a few
    # reports filtered by metadata there
    assert all(s["where"] is None for s in searches["stored"])
    scoped = [s for s in searches["old"] if s["where"] is not None]
    assert len(scoped) >= len(QUESTIONS) - 2 and all(s["ids"] is None for s in scoped)


def test_the_retriever_hands_out_stored_rows_for_the_paragraph_it_holds(stored_chain, embedder):
    import numpy as np

    from ingest.sentences import sentence_texts

    retriever = stored_chain.retriever
    snap = retriever._snapshot
    key, paragraph = next((k, p) for k, p in snap.paragraphs.items() if len(sentence_texts(p)) > 2)
    (stored,) = retriever._stored(snap, [(key, paragraph)])
    assert stored.shape == (len(sentence_texts(paragraph)), 384)
    as_answering = np.asarray(embedder.embed(sentence_texts(paragraph)))  # float32
    assert (stored * as_answering).sum(axis=1).min() > 0.999  # bfloat16 on CPUs with it (RAG_INGEST_PRECISION)
    # another paragraph under that key (a report changed since) gets none: it is embedded instead
    changed = dataclasses.replace(paragraph, text=paragraph.text + " Added later.")
    assert retriever._stored(snap, [(key, changed)]) == [None]
    assert retriever._stored(snap, [((key[0], "no such locator"), paragraph)]) == [None]


def test_a_search_of_a_few_reports_finds_what_chroma_finds(stored_chain):
    """The stored chunk vectors, searched here, rank a few reports' chunks as Chroma does
    (exactly, where Chroma's index is approximate)."""
    from rag.model import Filters

    retriever = stored_chain.retriever
    snap = retriever._snapshot
    tried = 0
    for question, filters in (("How stable are placements for children in care?", Filters(authority="Dorset")),
                              ("How well do managers oversee social work practice?", Filters(year=2017)),
                              ("What did inspectors say about caseloads?", Filters(authority="Poole", kind="paragraph"))):
        (vector,) = retriever._embedder.embed_query([question])
        doc_ids = [d for d, r in snap.reports.items() if filters.allows(r.meta)]
        assert 0 < len(doc_ids) < len(snap.reports), filters
        depth = retriever.settings.tuning.depth_factor * 5
        ours = retriever._dense_stored(snap, vector, filters, doc_ids, depth)
        chroma = retriever.index.query(vector, depth, where=filters.where(doc_ids))
        theirs = [((c.doc_id, c.locator), s) for c, s in chroma
                  if filters.allows(snap.reports[c.doc_id].meta, snap.paragraphs[(c.doc_id, c.locator)])]
        # Chroma's HNSW may miss a chunk near the end of a deep list (seen once at rank 20 of
        # 20): exact search never ranks one lower, and the top agrees.
        assert all(a >= b - 1e-5 for (_, a), (_, b) in zip(ours, theirs)), question
        assert [k for k, _ in ours[:10]] == [k for k, _ in theirs[:10]], question
        tried += len(theirs) > 10
    assert tried == 3
