"""The operator's money view: monthly totals from the ledger, reconciliation with the payment
provider, and the checks that the ledger holds together (sits above contracts and payments)."""
