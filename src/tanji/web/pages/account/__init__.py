"""Sign-in, sign-out and the account page (second factor, API tokens)."""
