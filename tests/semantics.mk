# tests/semantics.mk - operator and statement semantics suites.
