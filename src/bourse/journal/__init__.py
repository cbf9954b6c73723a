"""Command journal: framing, file log with group commit, snapshots and recovery."""
