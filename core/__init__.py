"""The bottom layer: the dataclasses that flow between stages, the one settings object, the
one exception root, the entry-point wrapper, text normalisation, the tokenizer loader and
the vocabulary (grade words, months, the sentence splitter). Imported by ingest, rag, evals
and ui; imports nothing of theirs."""
