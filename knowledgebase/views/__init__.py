"""Pages of the knowledge base on an organisation's host."""
