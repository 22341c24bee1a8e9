"""The migration runner's pure parts: the no-transaction marker and the statement splitter."""

from __future__ import annotations

from deeplens.adapters.migrations import Migration, split_statements


def test_marker_on_the_first_line_makes_a_migration_non_transactional() -> None:
    concurrent = "-- deeplens: no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);"
    assert not Migration(1, "x", concurrent).transactional
    assert Migration(1, "x", "CREATE TABLE t (c int);\n-- deeplens: no-transaction\n").transactional
    assert Migration(1, "x", "-- other comment\nCREATE TABLE t (c int);").transactional


def test_statements_split_on_semicolons_outside_quotes_comments_and_dollar_quotes() -> None:
    sql = (
        "-- deeplens: no-transaction\n"
        "CREATE INDEX CONCURRENTLY a ON t (c); -- trailing; comment\n"
        "COMMENT ON TABLE t IS 'it''s; fine';\n"
        '/* block; comment */ SELECT "odd;name" FROM t;\n'
        "DO $body$ BEGIN PERFORM 1; END $body$;\n"
        "SELECT $$a;b$$;\n"
        "-- only a comment;\n"
    )
    assert split_statements(sql) == [
        "-- deeplens: no-transaction\nCREATE INDEX CONCURRENTLY a ON t (c)",
        "-- trailing; comment\nCOMMENT ON TABLE t IS 'it''s; fine'",
        '/* block; comment */ SELECT "odd;name" FROM t',
        "DO $body$ BEGIN PERFORM 1; END $body$",
        "SELECT $$a;b$$",
    ]


def test_a_statement_without_a_final_semicolon_is_kept() -> None:
    assert split_statements("SELECT 1; SELECT 2") == ["SELECT 1", "SELECT 2"]
