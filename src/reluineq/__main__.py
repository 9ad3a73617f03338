"""Entry point of ``python -m reluineq``; see :mod:`reluineq.cli`."""

from .cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
