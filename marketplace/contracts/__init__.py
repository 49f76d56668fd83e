"""Contracts: the hire, its workflow and its escrowed money."""
