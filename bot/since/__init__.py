"""What changed since a given time: the `since` command's engine (time, figures, visits)."""
