"""Fault-injection tests (issue #7).

This folder is a package so that its conftest is imported as `faults.conftest`: without it,
pytest would re-import it under the bare name `conftest`, replacing tests/conftest.py in
sys.modules and breaking `from conftest import ...` in the other test folders.
"""
