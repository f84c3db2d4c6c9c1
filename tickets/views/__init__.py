"""Pages about questions. Views are thin: check access, validate, call one service, render."""
