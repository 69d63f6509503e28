"""From a feed URL to stored, deduplicated articles grouped into stories."""
