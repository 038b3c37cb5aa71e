"""A fit score kept compactly: one character per rule, '1' where the rule matched.

A lead stores this string with the version of the rule set; its reasons are read back from the
string and that version, so a rescore of many leads need not write reason texts.
"""

from __future__ import annotations

from collections.abc import Mapping

from leadflow.domain.errors import InvalidInput
from leadflow.domain.scoring import FitRuleSet, Reason, Score


def match_string(ruleset: FitRuleSet, facts: Mapping[str, object]) -> str:
    """'1' or '0' for each rule in order: whether it matches these facts."""
    return "".join("1" if rule.matches(facts) else "0" for rule in ruleset.rules)


def score_from_matches(ruleset: FitRuleSet, matches: str) -> Score:
    """The score and its reasons, from the rules and the string `match_string` made."""
    if len(matches) != len(ruleset.rules) or set(matches) - {"0", "1"}:
        raise InvalidInput(
            f"match string {matches!r} does not fit a rule set of {len(ruleset.rules)} rules",
            field="fit_matches",
        )
    reasons = tuple(
        Reason(rule.points, rule.describe())
        for rule, matched in zip(ruleset.rules, matches, strict=True)
        if matched == "1"
    )
    return Score(sum(reason.points for reason in reasons), reasons)
