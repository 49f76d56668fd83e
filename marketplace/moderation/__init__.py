"""Operator moderation: suspend and restore accounts, close missions, and the journal of it."""
