"""ceasefire-bot: the engine (news pipeline, briefings, answers, store, delivery)."""
