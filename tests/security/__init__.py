"""Security corpora: open redirects, CSRF, secrets in logs, headers and cookies, fraud."""
