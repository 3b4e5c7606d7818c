"""Answer-quality harness (runner, metrics, report): see `axa-eval`."""
