import io

import pytest
from django.core.management import call_command


def test_the_evaluation_prints_a_confusion_table_with_no_false_accepts():
    out = io.StringIO()

    call_command("identity_evaluate", only="page turned 90", cases=True, stdout=out)

    lines = out.getvalue().splitlines()
    assert "| same person | 2 | 2 | 0 | 0 | 0 |" in lines
    assert "| different people | 2 | 0 | 0 | 0 | 2 |" in lines
    assert lines[-1] == "false accepts: 0"


def test_a_false_accept_fails_the_evaluation(settings):
    settings.FACE_MATCH_PASS_THRESHOLD = 0.9
    settings.FACE_MATCH_FAIL_THRESHOLD = 0.95

    with pytest.raises(Exception, match="false accepts"):
        call_command("identity_evaluate", only="page upright", stdout=io.StringIO())
