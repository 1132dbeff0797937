"""Shared helpers of the packaging tests: a tool that is required under CI=true."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import in_ci


def require_tool(name: str, package: str) -> str:
    """The path of ``name``; skips (locally) or fails (under CI=true) when it is missing."""
    path = shutil.which(name)
    if path is not None:
        return path
    message = f"{name} is not installed (Debian package {package}; packaging/bootstrap.sh test)"
    if in_ci():
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)
