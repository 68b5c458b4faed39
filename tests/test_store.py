"""`budgetkit parse --out DIR` output: datapackage, CSV/Parquet, idempotence, round trip."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pandas as pd

import budgetkit
from budgetkit.store import write

from .conftest import SEED


def _digest(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_round_trip_and_idempotence(tmp_path):
    doc = budgetkit.read(SEED)
    out = tmp_path / "parsed"
    write([doc], out)
    first = _digest(out)
    write([doc], out)
    assert _digest(out) == first  # re-running is idempotent, byte for byte
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary leftovers

    back = budgetkit.load(out / SEED.stem)
    assert back.meta == doc.meta
    pd.testing.assert_frame_equal(back.table("expenditure"), doc.table("expenditure"))
    assert [(a.table, a.code, a.measure, a.value, a.line.lineno) for a in back.parsed.amounts] == [
        (a.table, a.code, a.measure, a.value, a.line.lineno) for a in doc.parsed.amounts
    ]
    assert list(back.check()["rule"]) == list(doc.check()["rule"])
    assert [d.meta.source for d in budgetkit.load(out)] == [doc.meta.source]


def test_datapackage_describes_every_csv(tmp_path):
    write([budgetkit.read(SEED)], tmp_path)
    pkg = json.loads((tmp_path / "datapackage.json").read_text("utf-8"))
    assert pkg["profile"] == "tabular-data-package"
    paths = {r["path"] for r in pkg["resources"]}
    assert {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.csv")} == paths
    exp = next(r for r in pkg["resources"] if r["path"].endswith("table_expenditure.csv"))
    fields = {f["name"]: f for f in exp["schema"]["fields"]}
    assert fields["basic"]["type"] == "number" and fields["basic"]["title"] == "基本支出"
    csv = pd.read_csv(tmp_path / exp["path"], dtype=str)
    assert list(csv.columns) == list(fields)
    parquet = pd.read_parquet(tmp_path / exp["path"].replace(".csv", ".parquet"))
    assert parquet.loc[0, "total"] == Decimal("342.31")  # decimal(20,6): one type for all
