"""Briefings: a story as headline, key points, Q&A commentary, source cards and timeline."""
