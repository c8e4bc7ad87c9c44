"""One module per command verb; each has ``run(args) -> exit code``. Shared steps live in ``common``."""
