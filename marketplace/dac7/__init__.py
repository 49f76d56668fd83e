"""DAC7 (CGI art. 1649 ter A to E): what the platform reports of the sellers it pays."""
