"""The operator portal's pages that read more than one app, and its URLs."""
