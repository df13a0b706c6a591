"""Imports run one way: the contracts in pyproject.toml ([tool.importlinter]), checked by import-linter."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_imports_keep_to_the_layers_and_reach_synthetic_journeys_only_through_their_hooks():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
