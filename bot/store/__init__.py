"""The store: one source of truth for articles, stories, subscriptions and the outbox."""
