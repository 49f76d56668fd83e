"""Missions posted by businesses, invitations and confidentiality agreements."""
