"""Allow ``python -m tanji``."""

from tanji.cli.main import main

raise SystemExit(main())
