"""Authoring the course: the source format, the course build, and the gate that tests the tests."""
