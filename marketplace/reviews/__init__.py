"""Reviews both parties leave after a contract ends."""
