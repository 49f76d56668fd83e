"""Bids (devis) from secretaries on missions."""
