"""Profiles of secretaries and businesses, with the place resolved from the postal code."""
