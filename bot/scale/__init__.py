"""Running several bot processes on one PostgreSQL database: leader election and the
shared rate-limit budget."""
