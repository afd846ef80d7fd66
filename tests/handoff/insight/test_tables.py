"""The CSV of a report: the csv module's quoting, and a customer's words that a spreadsheet
would run as a formula kept as text."""

from __future__ import annotations

import csv
import io

from handoff.insight.tables import as_csv


def test_formula_cells_are_text_and_quoting_holds() -> None:
    report = {"questions": 2, "clusters": [
        {"id": "ab12", "size": 2, "no_match": 2, "rejected": 0, "wrongly_given": [],
         "examples": ['=HYPERLINK("http://evil.example","x")', 'a "quoted", comma\nand a line'],
         "phrasings": []}]}
    rows = list(csv.reader(io.StringIO(as_csv("gaps", report))))
    assert rows[0] == ["cluster", "size", "no_match", "rejected", "wrongly_given", "examples"]
    assert rows[1][:4] == ["ab12", "2", "2", "0"]
    assert rows[1][5] == '\'=HYPERLINK("http://evil.example","x") | a "quoted", comma\nand a line'


def test_negative_numbers_are_numbers_and_none_is_empty() -> None:
    text = as_csv("containment", {"conversations": 0, "rate": None, "durable": -1})
    assert list(csv.reader(io.StringIO(text))) == [["conversations", "rate", "durable"], ["0", "", "-1"]]
