"""The front door of the engine: what the API and MCP call (match, verdicts, search, ask, assess)."""
