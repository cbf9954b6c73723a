"""The book of record: double-entry postings of every paisa and share the core moved."""
