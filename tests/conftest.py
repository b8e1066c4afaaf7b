from nexusone.suppliers.cj.sandbox.pytest_fixtures import (  # noqa: F401 - the CJ sandbox for cross-app tests
    cj_sandbox,
    cj_sandbox_account,
    cj_sandbox_server,
)
