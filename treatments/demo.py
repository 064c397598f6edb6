def seed(stdout) -> None:
    """Demo rows for this app; idempotent."""
