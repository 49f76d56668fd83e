"""Legal duties around the work: the obligation de vigilance (vigilance.py)."""
