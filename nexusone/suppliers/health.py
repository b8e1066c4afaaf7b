"""Supplier health for /health/ready: the circuit breaker's state per supplier."""


def supplier_health() -> tuple[bool, str]:
    try:
        from nexusone.suppliers.cj.circuit import circuit_summary
    except ImportError:
        return True, "no circuit breaker configured"
    return circuit_summary()
