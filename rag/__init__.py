"""Answer questions from the indexed reports with paragraph-numbered citations."""
