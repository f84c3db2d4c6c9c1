"""The manager's pages under /reports/: reports, the live dashboard, improvement actions, users per product."""
