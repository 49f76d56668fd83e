"""Escrow: the payment provider interface, its providers and the append-only ledger."""
