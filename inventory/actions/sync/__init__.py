"""The sync engine: `run` (start, claim, batches, finish), `fetch` (supplier reads under a retry policy),
`diff` (supplier against database), `write` (bulk conditional updates, change records, stock rules)."""
