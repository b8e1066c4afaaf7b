"""CJ Dropshipping API 2.0 (see CJ_API.md).

client.py      CJSupplier: the supplier protocol over CJ's HTTP API
tokens.py      access/refresh token lifecycle, one renewal at a time per account
ratelimit.py   the per-account QPS limiter shared through Redis: a slot is held until its call returns
circuit.py     the circuit breaker shared through the cache; circuit_summary() for /health/ready
accounting.py  CJ's points table (the client and the sandbox both use it), calls per account per day,
               SupplierCallLog rows and their pruning
points.py      the points ledger per CJ account: budget, the reserve for foreground calls, CJ's pointsInfo,
               the pause after "out of points" until 00:00 UTC
errors.py      CJ error codes → named supplier errors
mapping.py     CJ payloads → supplier dataclasses
webhooks.py    `sign` verification and message parsing
sandbox/       a protocol-faithful CJ stand-in for the demo and the tests (sandbox/README.md)
"""
