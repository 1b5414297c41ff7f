"""The known-answer set and the evaluation run."""
