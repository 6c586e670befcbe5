import logging

from groepsaanbod.logs import RedactSecrets, redact, uvicorn_log_config


def test_secrets_in_paths_never_reach_an_access_log_line():
    assert redact("/nl/my/s3cr3t-Token_x/withdraw") == "/nl/my/[secret]/withdraw"
    assert redact("/feeds/abcdef.ics?x=1") == "/feeds/[secret]?x=1"
    assert redact("/tr/staff/password/xyz") == "/tr/staff/password/[secret]"
    assert redact("/nl/programmes/kids") == "/nl/programmes/kids"
    record = logging.makeLogRecord(
        {"msg": '%s - "%s %s HTTP/%s" %d', "args": ("1.2.3.4", "GET", "/api/v1/my/geheim", "1.1", 200)}
    )
    RedactSecrets().filter(record)
    assert "geheim" not in record.getMessage()
    assert uvicorn_log_config()["handlers"]["access"]["filters"] == ["redact_secrets"]
