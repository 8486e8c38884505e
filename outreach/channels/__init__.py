"""What leaves or enters: e-mail drafts, SMTP, import."""
