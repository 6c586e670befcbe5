import logging

from groepsaanbod.logs import FieldsFormatter, redact


def test_secrets_in_paths_never_reach_a_log_line():
    assert redact("/nl/my/s3cr3t-Token_x/withdraw") == "/nl/my/***/withdraw"
    assert redact("/feeds/abcdef.ics?x=1") == "/feeds/***?x=1"
    assert redact("/tr/staff/password/xyz") == "/tr/staff/password/***"
    assert redact("/nl/programmes/kids") == "/nl/programmes/kids"
    record = logging.makeLogRecord(
        {"msg": '%s - "%s %s HTTP/%s" %d', "args": ("1.2.3.4", "GET", "/api/v1/my/geheim", "1.1", 200)}
    )
    assert "geheim" not in FieldsFormatter("%(message)s").format(record)
