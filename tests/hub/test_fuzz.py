"""A schema-driven fuzz of the hub (schemathesis) from its own /openapi.json.

Every operation the hub describes gets a bounded number of generated requests with a
valid admin token; no answer may be a 5xx, and every answer must match the hub's own
description (status codes, content types, headers, bodies). Bounded so the default
suite stays quick: `EXAMPLES` cases per operation (27 operations: site data, trace and
the resolver's paths joined the binding's).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.hub.support import Hub

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_the_hub_holds_to_its_own_openapi_description(hub: Hub) -> None:
    auth = {"Authorization": f"Bearer {hub.tokens['admin-a']}"}
    schema = schemathesis.openapi.from_url(f"{hub.url}/openapi.json", headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 27, [op.label for op in operations]
    tried = 0
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: schemathesis.Case) -> None:
            nonlocal tried
            tried += 1
            case.call_and_validate(base_url=hub.url, headers=auth, checks=CHECKS, timeout=30)

        try:
            fuzz()
        except Exception as exc:
            pytest.fail(f"{operation.label}: {exc}")
    assert tried >= len(operations)
