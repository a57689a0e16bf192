"""A bounded schemathesis run: every operation of the OpenAPI document, with generated input, on
both databases, answers anything but a server error (5xx)."""
from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from states import State
from webapp import create_app
from workflow import directory, tokens

EXAMPLES = int(os.environ.get("THIDUA_FUZZ_EXAMPLES", "20"))


@pytest.fixture
def app(ctx):
    application = create_app(context=ctx)
    application.config.update(TESTING=True)
    return application


def test_no_operation_answers_a_server_error(app, ctx, make):
    a = make.agency()
    make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    make.meeting(a, make.cycle())
    username = make.username(a.secretary)
    token = {"value": directory.create_token(ctx, username)}

    def headers() -> dict:
        if tokens.token_access(ctx, token["value"]) is None:  # the run revoked its own token
            token["value"] = directory.create_token(ctx, username)
        return {"Authorization": f"Bearer {token['value']}"}

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    server_errors, statuses, operations = [], Counter(), 0
    for result in schema.get_all_operations():
        operations += 1
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def call(case):
            response = case.call(headers=headers())
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                server_errors.append((case.operation.label, response.status_code, case.path_parameters,
                                      case.query, str(case.body)[:200]))

        call()
    assert not server_errors, server_errors[:10]
    # the run really exercised the API, past authentication
    assert operations >= 30 and sum(statuses.values()) >= operations * 2
    assert sum(n for code, n in statuses.items() if 200 <= code < 300) > operations, statuses
