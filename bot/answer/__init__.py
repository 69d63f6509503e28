"""Answers: retrieve the best articles for a question and quote them with citations."""
