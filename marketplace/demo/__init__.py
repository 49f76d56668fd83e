"""Realistic French demo data for development and demonstrations.

Loaded by `.venv/bin/flask --app wsgi seed-demo`.

`seed.py` writes through the domain services; `people.py` and `texts.py` hold the word lists
and the French texts; `generate.py` turns a seeded random generator into profiles, companies
and missions without touching the database.
"""
