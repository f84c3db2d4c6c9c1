"""The two URL confs: the operator portal (bare domain) and a care organisation's host."""
