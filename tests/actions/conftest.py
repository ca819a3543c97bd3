"""The tracker is read over the same small round and campaign the findings tests use."""

from tests.findings.conftest import small_campaign, small_round  # noqa: F401
