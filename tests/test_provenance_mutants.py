"""Who wrote a row (banbot.provenance), in the cases scripts/mutation found untested: the journal's stable form of
an origin (older rows must still read back), rows matched as whole lines only, a history that is the page's
first revision, a row kept unchanged since the page began, and an undo counting only who introduced each copy."""

from __future__ import annotations

from banbot.provenance import Gap, Origin, Role, Version, Writer, holds_row, lines_of, trace

ROW = "* [[User:Innocent]], since 1 May 2026"
LEGIT = "* [[User:Legit]], since 1 May 2026"
TRUSTED = frozenset({"Admin", "Steward"})


def page(*rows: str) -> str:
    return "\n".join(["{{div col}}", *rows, "{{div col end}}"])


def history(*revs: tuple[str | None, str | None, str, tuple[str, ...]]) -> list[Version]:
    """Revisions oldest first as (user, text, sha1, tags); returned newest first, as banbot reads them."""
    return [Version(i + 1, i, user, sha1, tags, text) for i, (user, text, sha1, tags) in enumerate(revs)][::-1]


def chain(h: list[Version], *, complete: bool = True) -> list[tuple[str | None, Role]]:
    return [(w.user, w.role) for w in trace("Innocent", ROW, h, complete=complete).chain]


# --- the journal's form -------------------------------------------------------------------------------------

def test_an_origin_is_journaled_with_the_roles_and_gap_spelled_as_older_journals_wrote_them() -> None:
    o = Origin("X", ROW, (Writer(4, "A", Role.WROTE), Writer(3, "B", Role.RESTORED), Writer(2, "C", Role.KEPT),
                          Writer(1, "D", Role.HIDDEN)))
    data = o.data()
    assert [w["role"] for w in data["chain"]] == ["wrote", "restored", "kept", "hidden"]
    assert data["gap"] == "" and data["gap_revid"] is None


def test_an_origin_journaled_by_an_older_version_reads_back_with_its_roles() -> None:
    data = {"chain": [{"revid": 4, "user": "A", "role": "wrote"}, {"revid": 3, "user": "B", "role": "restored"},
                      {"revid": 2, "user": "C", "role": "kept"}, {"revid": 1, "user": None, "role": "hidden"}],
            "gap": "history-ends", "gap_revid": 1}
    o = Origin.from_data("X", ROW, data)
    assert [w.role for w in o.chain] == [Role.WROTE, Role.RESTORED, Role.KEPT, Role.HIDDEN]
    assert o.gap == Gap.HISTORY_ENDS and o.gap_revid == 1


def test_an_origin_journaled_without_times_or_gap_reads_back_complete_and_untimed() -> None:
    o = Origin.from_data("X", ROW, {"chain": [{"revid": 2, "user": "Admin"}]})
    assert o.chain == (Writer(2, "Admin", Role.WROTE, ""),) and o.chain[0].timestamp == ""
    assert o.gap == Gap.NONE and o.doubt(TRUSTED) is None


# --- whole lines --------------------------------------------------------------------------------------------

def test_a_row_is_never_matched_at_the_end_of_a_longer_line() -> None:
    row = "* [[User:Bob]]"
    assert not holds_row(lines_of("x" + row), row)
    assert not holds_row(lines_of("see " + row), row)
    assert not holds_row(lines_of("one * [[User:Ann]] two " + row), row)
    assert holds_row(lines_of("x\n  " + row + "  \ny"), row)


def test_a_row_quoted_inside_a_line_of_the_page_is_not_on_the_list() -> None:
    h = history(("Admin", page(LEGIT), "a", ()), ("Vandal", page(LEGIT, "note: " + ROW), "b", ()),
                ("Admin", page(LEGIT, ROW), "c", ()))
    assert chain(h) == [("Admin", Role.WROTE)]


# --- where the history ends ---------------------------------------------------------------------------------

def test_a_history_of_only_the_pages_first_revision_is_complete() -> None:
    """One revision, whose parent is 0: it is the page's creation, so nothing lies beyond it."""
    h = [Version(1, 0, "Vandal", "a", (), page(ROW))]
    o = trace("Innocent", ROW, h, complete=False)
    assert o.gap == Gap.NONE and o.chain == (Writer(1, "Vandal", Role.WROTE),)


def test_a_row_kept_unchanged_since_the_page_began_is_its_creators() -> None:
    h = history(("Vandal", page(ROW), "a", ()), ("Admin", page(ROW, LEGIT), "b", ()),
                ("Steward", page(ROW, LEGIT, "x"), "c", ()))
    assert chain(h) == [("Vandal", Role.WROTE)]
    assert chain(h, complete=False) == [("Vandal", Role.WROTE)]  # the first revision was read


def test_a_row_kept_through_several_revisions_above_a_hidden_one_is_traced_below_it() -> None:
    h = history(("Vandal", page(ROW), "a", ()), (None, None, "b", ()), ("Admin", page(ROW, "x"), "c", ()),
                ("Steward", page(ROW, "x", "y"), "d", ()))
    assert chain(h) == [("Admin", Role.KEPT), ("Vandal", Role.WROTE)]


# --- an undo: who introduced each older copy ----------------------------------------------------------------

def test_an_undo_counts_who_introduced_each_older_copy_not_who_kept_it() -> None:
    h = history(("Vandal", page(ROW), "a", ()), ("Keeper", page(ROW, "x"), "b", ()), ("Admin", page("x"), "c", ()),
                ("Admin", page("x", ROW, "y"), "d", ("mw-undo",)))
    assert chain(h) == [("Admin", Role.RESTORED), ("Vandal", Role.WROTE)]


def test_an_undo_across_a_hidden_revision_counts_who_introduced_the_copy_below_it() -> None:
    h = history(("Vandal", page(ROW), "a", ()), ("Keeper", page(ROW, "x"), "b", ()), ("Hider", None, "c", ()),
                ("Admin", page("x"), "d", ()), ("Admin", page("x", ROW, "y"), "e", ("mw-undo",)))
    assert chain(h) == [("Admin", Role.RESTORED), ("Hider", Role.HIDDEN), ("Vandal", Role.WROTE)]


def test_a_row_kept_above_the_pages_hidden_first_revision_counts_that_revision_as_a_possible_writer() -> None:
    h = history(("Hider", None, "a", ()), ("Admin", page(ROW), "b", ()), ("Steward", page(ROW, "x"), "c", ()))
    assert chain(h) == [("Admin", Role.KEPT), ("Hider", Role.HIDDEN)]


def test_a_rollback_to_a_revision_whose_text_is_hidden_but_sha1_known_still_finds_the_first_writer() -> None:
    """The revision rolled back to holds the row (its sha1 is the rollback's), so the walk goes on below it."""
    h = history(("Vandal", page(ROW), "a", ()), ("Keeper", None, "k", ()), ("Remover", page(), "r", ()),
                ("Admin", page(ROW, "x"), "k", ("mw-rollback",)))
    assert chain(h) == [("Admin", Role.RESTORED), ("Vandal", Role.WROTE)]
