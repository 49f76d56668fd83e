"""Badges on a secretary's public profile and cards, each saying exactly what was checked."""
