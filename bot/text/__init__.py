"""Sentence splitting and tokenising for Japanese and English."""
