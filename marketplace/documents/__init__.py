"""Documents the platform writes for the parties to accept (the service agreement, the
confidentiality agreement): a small PDF writer and the fingerprint they are accepted by."""
