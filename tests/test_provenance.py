"""Who wrote each entry's row (banbot.provenance): reverts, rollbacks and undos followed back to the first
writer; hidden editors, hidden texts and a history that ends fail closed."""

from __future__ import annotations

from banbot.provenance import Gap, Origin, Role, Version, Writer, holds_row, lines_of, trace

ROW = "* [[User:Innocent]], since 1 May 2026"
LEGIT = "* [[User:Legit]], since 1 May 2026"
TRUSTED = frozenset({"Admin", "Steward"})


def page(*rows: str) -> str:
    return "\n".join(["{{div col}}", *rows, "{{div col end}}"])


def history(*revs: tuple[str, str | None, str | None, tuple[str, ...]]) -> list[Version]:
    """Revisions oldest first as (user, text, sha1, tags); returned newest first, as banbot reads them."""
    out = [Version(i + 1, i, user, sha1 or f"sha{i + 1}", tags, text) for i, (user, text, sha1, tags) in
           enumerate(revs)]
    return out[::-1]


def origin(h: list[Version], row: str = ROW, complete: bool = True) -> Origin:
    return trace("Innocent", row, h, complete=complete)


def test_a_row_is_written_by_the_revision_that_introduced_it() -> None:
    h = history(("Admin", page(LEGIT), None, ()), ("Vandal", page(LEGIT, ROW), None, ()),
                ("Admin", page(LEGIT, ROW, "* [[User:Other]]"), None, ()))
    o = origin(h)
    assert o.chain == (Writer(2, "Vandal", Role.WROTE),) and o.revid == 2
    assert "revision 2 by Vandal" in (o.doubt(TRUSTED) or "")


def test_a_trusted_writer_is_no_doubt() -> None:
    h = history(("Vandal", page(LEGIT), None, ()), ("Admin", page(LEGIT, ROW), None, ()))
    assert origin(h).doubt(TRUSTED) is None


def test_a_rollback_that_resurrects_a_vandals_row_keeps_the_vandal_as_its_writer() -> None:
    """Sock A adds the row, sock B removes it, the admin rolls B back: the row is still A's."""
    h = history(("Admin", page(LEGIT), None, ()), ("SockA", page(LEGIT, ROW), "a", ()),
                ("SockB", page(LEGIT), "b", ()), ("Admin", page(LEGIT, ROW), "a", ("mw-rollback",)))
    o = origin(h)
    assert [w.user for w in o.chain] == ["Admin", "SockA"] and o.chain[0].role == Role.RESTORED and o.revid == 2
    assert "SockA" in (o.doubt(TRUSTED) or "")


def test_an_identical_text_restores_its_writers_without_any_tag() -> None:
    h = history(("Admin", page(LEGIT), None, ()), ("SockA", page(LEGIT, ROW), "a", ()),
                ("SockB", page(LEGIT), "b", ()), ("Admin", page(LEGIT, ROW), "a", ()))
    assert "SockA" in (origin(h).doubt(TRUSTED) or "")


def test_an_undo_that_restores_a_vandals_row_does_not_vouch_for_it() -> None:
    h = history(("Admin", page(LEGIT), None, ()), ("Vandal", page(LEGIT, ROW), None, ()),
                ("Admin", page(LEGIT), None, ()), ("Admin", page("* [[User:New]]", LEGIT), None, ()),
                ("Steward", page("* [[User:New]]", LEGIT, ROW), None, ("mw-undo",)))
    o = origin(h)
    assert [w.user for w in o.chain] == ["Steward", "Vandal"]
    assert "Vandal" in (o.doubt(TRUSTED) or "")


def test_a_vandals_undo_that_restores_a_lifted_trusted_row_is_the_vandals() -> None:
    h = history(("Admin", page(LEGIT, ROW), None, ()), ("Admin", page(LEGIT), None, ()),
                ("Vandal", page(LEGIT, ROW), None, ("mw-undo",)))
    o = origin(h)
    assert [w.user for w in o.chain] == ["Vandal", "Admin"] and "Vandal" in (o.doubt(TRUSTED) or "")


def test_an_admin_restoring_an_admins_row_is_trusted() -> None:
    h = history(("Admin", page(LEGIT, ROW), "a", ()), ("Vandal", page(LEGIT), "b", ()),
                ("Steward", page(LEGIT, ROW), "a", ("mw-rollback",)))
    o = origin(h)
    assert [w.user for w in o.chain] == ["Steward", "Admin"] and o.doubt(TRUSTED) is None


def test_a_trusted_editor_rewriting_the_row_vouches_for_it() -> None:
    rewritten = ROW + " (checked)"
    h = history(("Vandal", page(ROW), None, ()), ("Admin", page(rewritten), None, ()))
    assert origin(h, rewritten).doubt(TRUSTED) is None


def test_a_hidden_editor_is_never_trusted() -> None:
    h = history(("Admin", page(LEGIT), None, ()), (None, page(LEGIT, ROW), None, ()))
    assert "editor is hidden" in (origin(h).doubt(TRUSTED) or "")


def test_a_hidden_text_below_the_row_makes_its_editor_a_possible_writer() -> None:
    h = history(("Admin", page(LEGIT), None, ()), ("Vandal", None, None, ()), ("Admin", page(LEGIT, ROW), None, ()))
    o = origin(h)
    assert [(w.user, w.role) for w in o.chain] == [("Admin", Role.KEPT), ("Vandal", Role.HIDDEN)]
    assert "revision 2 by Vandal" in (o.doubt(TRUSTED) or "") and "hidden text" in (o.doubt(TRUSTED) or "")


def test_a_row_that_stood_before_a_hidden_revision_stays_its_writers() -> None:
    """Revision deletion of a vandal's edit must not hold every row written before it."""
    h = history(("Admin", page(LEGIT), None, ()), ("Vandal", None, None, ()),
                ("Admin", page(LEGIT, "* [[User:New]]"), None, ()))
    o = trace("Legit", LEGIT, h, complete=True)
    assert [(w.user, w.role) for w in o.chain] == [("Admin", Role.KEPT), ("Admin", Role.WROTE)]
    assert o.doubt(TRUSTED) is None


def test_the_later_of_two_hidden_revisions_may_have_put_the_row_back() -> None:
    h = history(("Admin", page(ROW), None, ()), ("Vandal1", None, None, ()), ("Vandal2", None, None, ()),
                ("Admin", page(ROW, "x"), None, ()))
    o = origin(h)
    assert [w.user for w in o.chain] == ["Admin", "Vandal2", "Admin"] and "Vandal2" in (o.doubt(TRUSTED) or "")


def test_a_hidden_editor_of_a_hidden_text_fails_closed() -> None:
    h = history(("Admin", page(LEGIT), None, ()), (None, None, None, ()), ("Admin", page(LEGIT, ROW), None, ()))
    assert "editor is hidden" in (origin(h).doubt(TRUSTED) or "")


def test_a_restore_across_a_hidden_revision_counts_its_editor() -> None:
    h = history(("Admin", page(LEGIT, ROW), None, ()), ("Vandal", None, None, ()), ("Admin", page(LEGIT), None, ()),
                ("Admin", page(LEGIT, ROW), None, ("mw-undo",)))
    o = origin(h)
    assert [(w.user, w.role) for w in o.chain] == [("Admin", Role.RESTORED), ("Vandal", Role.HIDDEN),
                                                   ("Admin", Role.WROTE)]
    assert o.doubt(TRUSTED)


def test_a_history_that_ends_before_the_first_writer_fails_closed() -> None:
    h = history(("Admin", page(LEGIT, ROW), None, ()), ("Admin", page(LEGIT, ROW, "x"), None, ()))
    partial = h[:1]
    o = origin(partial, complete=False)
    assert o.gap == Gap.HISTORY_ENDS and "before the history" in (o.doubt(TRUSTED) or "")
    assert origin(h, complete=False).doubt(TRUSTED) is None  # the page's first revision was read: complete


def test_a_restore_of_text_never_seen_before_is_written_by_the_restorer() -> None:
    """An undo whose edit form was changed: the new row is the undoer's own."""
    h = history(("Admin", page(LEGIT), None, ()), ("Vandal", page(LEGIT, ROW), None, ("mw-undo",)))
    assert [(w.user, w.role) for w in origin(h).chain] == [("Vandal", Role.WROTE)]


def test_rows_match_as_whole_lines_only() -> None:
    framed = lines_of(page("* [[User:Ann]]x", "  * [[User:Bob]]  "))
    assert not holds_row(framed, "* [[User:Ann]]") and holds_row(framed, "* [[User:Bob]]")
    assert holds_row(lines_of("a\r\nb\r\nc"), "a\nb")


def test_an_origin_survives_the_journal_round_trip() -> None:
    h = history(("Admin", page(LEGIT), None, ()), ("SockA", page(LEGIT, ROW), "a", ()),
                ("SockB", page(LEGIT), "b", ()), ("Admin", page(LEGIT, ROW), "a", ("mw-rollback",)))
    o = origin(h)
    assert Origin.from_data(o.name, o.row, o.data()) == o


def test_a_rollback_tag_restores_even_when_the_text_is_not_identical() -> None:
    """MediaWiki's own revert tags say a row came back, whatever the sha1s say."""
    for tag in ("mw-rollback", "mw-manual-revert", "mw-undo"):
        h = history(("Admin", page(LEGIT), "a", ()), ("Vandal", page(LEGIT, ROW), "b", ()),
                    ("Admin", page(LEGIT), "c", ()), ("Admin", page(LEGIT, ROW, "x"), "d", (tag,)))
        assert [w.user for w in origin(h).chain] == ["Admin", "Vandal"], tag


def test_a_trusted_editor_re_adding_a_row_by_hand_writes_it_afresh() -> None:
    """No revert tag and no identical text: the admin typed the row again, and vouches for it."""
    h = history(("Admin", page(LEGIT), "a", ()), ("Vandal", page(LEGIT, ROW), "b", ()),
                ("Admin", page(LEGIT), "c", ()), ("Steward", page(LEGIT, "* [[User:New]]", ROW), "d", ()))
    o = origin(h)
    assert [(w.user, w.role) for w in o.chain] == [("Steward", Role.WROTE)] and o.doubt(TRUSTED) is None


def test_hidden_sha1s_are_never_taken_for_identical_texts() -> None:
    h = [Version(3, 2, "Admin", None, (), page(LEGIT, ROW)), Version(2, 1, "Vandal", None, (), page(LEGIT)),
         Version(1, 0, "Admin", None, (), page(LEGIT, ROW))]
    assert [w.user for w in trace("Innocent", ROW, h, complete=True).chain] == ["Admin"]


def test_an_undo_counts_every_older_copy_of_the_row() -> None:
    h = history(("Vandal", page(ROW), "a", ()), ("Admin", page(), "b", ()), ("Admin", page(ROW, "x"), "c", ()),
                ("Admin", page("x"), "d", ()), ("Admin", page("x", ROW, "y"), "e", ("mw-undo",)))
    o = origin(h)
    assert [(w.user, w.role) for w in o.chain] == [("Admin", Role.RESTORED), ("Admin", Role.WROTE),
                                                   ("Vandal", Role.WROTE)]
    assert o.gap == Gap.NONE and "Vandal" in (o.doubt(TRUSTED) or "")


def test_an_undo_on_a_partial_history_fails_closed() -> None:
    h = history(("Admin", page(ROW), "a", ()), ("Admin", page(), "b", ()), ("Admin", page(ROW, "x"), "c", ("mw-undo",)))
    partial = h[:2]  # the page's first revision was not read
    o = trace("Innocent", ROW, partial, complete=False)
    assert o.gap == Gap.HISTORY_ENDS and o.gap_revid == 2 and o.doubt(TRUSTED)


def test_a_hidden_revision_at_the_end_of_a_partial_history_fails_closed() -> None:
    h = [Version(3, 2, "Admin", "c", (), page(ROW)), Version(2, 1, "Vandal", None, (), None)]
    o = trace("Innocent", ROW, h, complete=False)
    assert o.gap == Gap.HISTORY_ENDS and [w.role for w in o.chain] == [Role.KEPT, Role.HIDDEN]
    assert trace("Innocent", ROW, h, complete=True).gap == Gap.NONE


def test_an_origin_with_a_gap_and_times_survives_the_journal_round_trip() -> None:
    o = Origin("X", ROW, (Writer(5, "Admin", Role.RESTORED, "2026-01-02T00:00:00Z"), Writer(3, None, Role.HIDDEN)),
               Gap.HISTORY_ENDS, 3)
    back = Origin.from_data("X", ROW, o.data())
    assert back == o and back.chain[0].timestamp == "2026-01-02T00:00:00Z" and o.editors() == {"Admin"}


def test_rows_match_across_every_kind_of_newline() -> None:
    assert holds_row(lines_of("a\rb\rc"), "b") and holds_row(lines_of("a\r\nb"), "a\nb")
    assert not holds_row(lines_of("ab"), "a")
