"""The test suite: one package per package of bot/, and shared support in tests.support."""
