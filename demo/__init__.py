"""Demo data: the product catalogue, two care organisations, people in every role and their questions."""
