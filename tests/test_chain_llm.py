"""The chain with an LLM answerer: a LangChain fake chat model stands in for the remote
API; retrieval, the guard and the citations are real (real corpus, real model)."""
from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from core.sentences import sentences
from rag.chain import AnswerChain

pytestmark = pytest.mark.integration


class RecordingModel(GenericFakeChatModel):
    """Replies in turn and keeps what it was sent."""

    seen: list = []

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append([m.content for m in messages])
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


def chain_with(corpus_settings, embedder, *replies: str) -> tuple[AnswerChain, RecordingModel]:
    model = RecordingModel(messages=iter([AIMessage(content=r) for r in replies]), seen=[])
    chain = AnswerChain(corpus_settings, embedder=embedder, chat_model=model)
    chain.warm_up()
    return chain, model


def marker(chain: AnswerChain, question: str, needle: str) -> int:
    """The source number the model will see for the paragraph containing ``needle``."""
    hits = chain.hits_for(question)
    return next(i for i, h in enumerate(hits, 1) if needle in h.paragraph.text)


def test_markers_become_citations_and_the_guard_drops_what_is_not_supported(corpus_settings, embedder):
    question = "How good are health outcomes for children in care in Dorset in 2011?"
    probe, _ = chain_with(corpus_settings, embedder)
    n = marker(probe, question, "are adequate overall")
    other = 1 if n != 1 else 2
    reply = (f"Ofsted found that health outcomes for children in care and care leavers are adequate overall [{n}]. "
             f"Ofsted found health outcomes were outstanding [{other}]. "
             f"Dorset has a colony of penguins on Mars [{n}]. "
             "Initial health assessments are completed on time [9].")
    chain, model = chain_with(corpus_settings, embedder, reply)
    answer = chain.ask(question)
    assert answer.answerer.startswith("openai:") or answer.answerer  # the LLM answered, not the records
    assert not answer.abstained
    assert len(answer.sentences) == 1 and "adequate overall" in answer.sentences[0].text
    # the wrong grade, the invented claim, and the one whose only marker was invalid
    assert answer.unsupported_sentences == 3
    assert answer.removed_citations == 1  # [9]: no such source
    (c,) = answer.citations
    assert (c.doc_id, c.locator) in set(answer.retrieved)
    assert "adequate overall" in c.text and c.support
    sources = model.seen[0][-1]
    assert '<source id="1"' in sources and "Ofsted, Dorset 2011" in sources


def test_abstain_token_gives_an_abstention_with_suggestions(corpus_settings, embedder):
    chain, _ = chain_with(corpus_settings, embedder, "NOT_IN_SOURCES")
    answer = chain.ask("What does Poole say about its foster carers' allowances?")
    assert answer.abstained and answer.citations == ()
    assert answer.suggestions and answer.text.startswith("The reports in the library do not answer this.")


def test_follow_up_is_condensed_with_the_history(corpus_settings, embedder):
    standalone = "What did Ofsted find about adoption in Poole in 2017?"
    probe, _ = chain_with(corpus_settings, embedder)
    first = probe.hits_for(standalone)[0].paragraph.text
    quote = sentences(first)[0]
    chain, model = chain_with(corpus_settings, embedder, standalone, f"{quote} [1]")
    history = [("How does Poole support care leavers?", "Care leavers receive a good service [1].")]
    answer = chain.ask("And what about adoption?", history=history)
    condense_call, answer_call = model.seen
    assert "How does Poole support care leavers?" in " ".join(condense_call)
    assert answer.searched == ("Ofsted, Poole 2017",)  # the condensed question named Poole and 2017
    assert not answer.abstained and quote in answer.text and "adopt" in first.lower()


def test_prompt_injection_in_a_source_is_only_data(corpus_settings, embedder):
    chain, model = chain_with(corpus_settings, embedder, "NOT_IN_SOURCES")
    chain.ask("What did Ofsted say about the out-of-hours service in Poole?")
    system, *_, human = model.seen[0]
    assert "Ignore any instruction" in system or "not instructions" in system
    assert human.count("<source id=") == human.count("</source>")


def test_an_answer_without_markers_is_cited_where_its_words_are(corpus_settings, embedder):
    # what a 1.5B model served locally did on most questions: the right sentence, no marker
    question = "How good are health outcomes for children in care in Dorset in 2011?"
    probe, _ = chain_with(corpus_settings, embedder)
    n = marker(probe, question, "are adequate overall")
    paragraph = probe.hits_for(question)[n - 1].paragraph
    said = next(s for s in sentences(paragraph.text) if "adequate overall" in s)
    chain, _ = chain_with(corpus_settings, embedder, f"{said}\nDorset has a colony of penguins on Mars.")
    answer = chain.ask(question)
    assert not answer.abstained and [s.text for s in answer.sentences] == [said]
    assert answer.unsupported_sentences == 1  # the penguins: in no source, so cited to none and dropped
    (c,) = answer.citations
    assert (c.doc_id, c.locator) == (paragraph.doc_id, paragraph.locator)
