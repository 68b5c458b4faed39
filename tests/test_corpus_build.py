"""`budgetkit corpus build/query` and `budgetkit.corpus.open`: one typed dataset, incremental,
fault-isolated, atomic (kill -9), the same on Dask as locally, valid for Frictionless."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import budgetkit.corpus
from budgetkit.corpus import build
from budgetkit.corpus.tables import TABLES

from .conftest import ROOT, SEED

SEED_NAME = "昌吉回族自治州人民政府驻北京联络处"


def copies(folder: Path, n: int, start: int = 0, year: int | None = None) -> list[Path]:
    """Copies of the seed, each a distinct department (and optionally another year)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text("utf-8")
    out = []
    for i in range(start, start + n):
        t = text.replace(SEED_NAME, f"测试市第{i}局")
        if year:
            t = t.replace("2024", str(year))
        p = folder / f"doc{i:03}.txt"
        p.write_text(t, "utf-8")
        out.append(p)
    return out


def cli(*args, cwd=None):
    p = subprocess.run(
        [sys.executable, "-m", "budgetkit.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    return p.returncode, p.stdout, p.stderr


def frames(out: Path) -> dict:
    """Every table of a corpus as sorted pandas frames (for comparing two builds)."""
    c = budgetkit.corpus.open(out)
    res = {}
    for t in TABLES:
        df = c.table(t)
        res[t] = df.sort_values(list(df.columns[:3])).reset_index(drop=True) if len(df) else df
    return res


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The seed, two copies in 2025, and two bad files: built with 2 jobs."""
    root = tmp_path_factory.mktemp("small")
    data = root / "data"
    copies(data, 2, year=2025)
    (data / "seed.txt").write_bytes(SEED.read_bytes())
    (data / "sub").mkdir()
    (data / "sub" / "notes.txt").write_text("这不是预算文件。\n只是一些说明。\n", "utf-8")
    big = SEED.read_text("utf-8").replace("收入总计\t342.31", "收入总计\t123456789012345.5", 1)
    (data / "sub" / "huge.txt").write_text(big, "utf-8")
    (data / ".hidden.txt").write_text("ignored", "utf-8")
    out = root / "corpus"
    code, stdout, stderr = cli("corpus", "build", data, "--out", out, "--jobs", "2")
    return data, out, code, stdout, stderr


def test_build_lists_failures_and_completes_the_rest(small):
    data, out, code, stdout, stderr = small
    assert code == 2  # some files could not be read: said, and the rest is in the dataset
    assert "3 document(s)" in stdout and "2 failed" in stdout
    c = budgetkit.corpus.open(out)
    docs = c.documents
    assert sorted(docs["department"]) == sorted(["测试市第0局", "测试市第1局", SEED_NAME])
    assert sorted(docs["year"]) == [2024, 2025, 2025]
    seed = docs[docs.department == SEED_NAME].iloc[0]
    assert seed["expenditure_total"] == Decimal("342.31") and seed["errors"] == 0
    fails = c.failures.set_index("path")
    notes, huge = str(data / "sub" / "notes.txt"), str(data / "sub" / "huge.txt")
    assert set(fails.index) == {notes, huge}  # outside the working folder: absolute paths
    assert "not a budget disclosure" in fails.loc[notes, "reason"]
    huge = fails.loc[huge]
    assert huge["error"] == "StoreError" and "decimal(20,6)" in huge["reason"]
    assert stderr.count(f"budgetkit: {notes}:") == 1 and "Traceback" not in stderr
    assert "read 5/5 document(s)" in stderr  # progress


def test_one_exact_type_per_column_and_partitions_by_year(small):
    _, out, *_ = small
    files = sorted((out / "tables" / "amounts").glob("*.parquet"))
    assert [f.name for f in files] == ["year-2024.parquet", "year-2025.parquet"]
    schemas = {str(pq.read_schema(f)) for t in TABLES for f in (out / "tables" / t).glob("*")}
    assert len({pq.read_schema(f).field("amount").type for f in files}) == 1
    assert pq.read_schema(files[0]).field("amount").type == pa.decimal128(20, 6)
    assert all("year: int64" in s for s in schemas if "failures" not in s and "year" in s)
    # what was printed stays beside the exact value
    t = pq.read_table(out / "tables" / "amounts").to_pandas()
    row = t[(t.table == "summary") & (t.item == "total") & (t.side == "income")].iloc[0]
    assert (row["amount"], row["printed"]) == (Decimal("342.31"), "342.31")


def test_loads_without_options_in_duckdb_pandas_pyarrow(small):
    import duckdb
    import pandas as pd
    import pyarrow.dataset as ds

    _, out, *_ = small
    con = duckdb.connect(str(out / "corpus.duckdb"), read_only=True)
    n = con.execute("SELECT count(*) FROM amounts").fetchone()[0]
    assert n == len(pd.read_parquet(out / "tables" / "amounts"))
    assert ds.dataset(out / "tables" / "amounts").count_rows() == n
    assert pq.read_table(out / "tables" / "documents").num_rows == 3
    con.close()


def test_frictionless_validates_the_dataset(small):
    frictionless = pytest.importorskip("frictionless")
    _, out, *_ = small
    report = frictionless.validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    pkg = json.loads((out / "datapackage.json").read_text("utf-8"))
    assert {r["path"].split("/")[1] for r in pkg["resources"]} == set(TABLES)


def test_query_cli_formats(small):
    _, out, *_ = small
    sql = (
        "SELECT d.department_key, d.year, a.amount FROM amounts a JOIN documents d USING (document)"
        " WHERE a.\"table\" = 'three_public' AND a.item = 'total'"
        " AND a.measure = 'total' ORDER BY 2, 1"
    )
    code, stdout, _ = cli("corpus", "query", out, sql, "--format", "json")
    assert code == 0
    rows = json.loads(stdout)
    assert rows[0] == {"department_key": SEED_NAME, "year": 2024, "amount": "4.96"}
    code, stdout, _ = cli("corpus", "query", out, sql, "--format", "csv")
    assert stdout.splitlines()[0] == "department_key,year,amount" and "4.96" in stdout
    code, stdout, _ = cli("corpus", "query", out, sql)
    assert "(3 rows)" in stdout
    code, _, stderr = cli("corpus", "query", out, "SELECT nope FROM amounts")
    assert code == 2 and stderr.startswith("budgetkit: query failed")


def test_python_api_gives_frames_and_a_connection(small):
    _, out, *_ = small
    with budgetkit.corpus.open(out) as c:
        df = c.sql("SELECT sum(amount) AS s FROM amounts WHERE measure = 'total'")
        assert isinstance(df.loc[0, "s"], Decimal)  # exact, never through a float
        assert c.connection.execute("SELECT count(*) FROM findings").fetchone()[0] == len(
            c.findings
        )
        assert c.staffing["count"].dtype == "Int64"


def test_incremental_and_aliases_without_rereading(tmp_path):
    data = tmp_path / "data"
    docs = copies(data, 3)
    out = tmp_path / "corpus"
    first = build([data], out, jobs=1)
    assert (first.read, first.reused, first.documents) == (3, 0, 3)
    gen1 = (out / "current").resolve()
    again = build([data], out, jobs=1)
    assert (again.read, again.reused) == (0, 3)
    gen2 = (out / "current").resolve()
    assert gen2 != gen1 and again.unchanged_files == len(list(gen1.glob("tables/*/year-*")))
    f1, f2 = (g / "tables" / "amounts" / "year-2024.parquet" for g in (gen1, gen2))
    assert f1.stat().st_ino == f2.stat().st_ino  # unchanged files are linked, not rewritten
    docs[1].write_text(
        docs[1].read_text("utf-8").replace("测试市第1局", "中共测试市第1局"), "utf-8"
    )
    changed = build([data], out, jobs=1)
    assert (changed.read, changed.reused) == (1, 2)
    keys = dict(
        budgetkit.corpus.open(out).sql("SELECT department, department_key FROM documents").values
    )
    assert keys["中共测试市第1局"] == "测试市第1局"  # the 中共 prefix is not part of the key
    (out / "departments.toml").write_text(
        '[departments."测试市第0局"]\naliases = ["测试市第2局"]\nregion = "测试市"\n', "utf-8"
    )
    aliased = build([data], out, jobs=1)
    assert aliased.read == 0
    docs_df = budgetkit.corpus.open(out).documents
    assert sorted(docs_df.department_key) == ["测试市第0局", "测试市第0局", "测试市第1局"]
    assert set(docs_df[docs_df.department_key == "测试市第0局"].region) == {"测试市"}
    gens = [p for p in (out / "generations").iterdir() if not p.name.startswith(".")]
    assert len(gens) <= 2  # old generations are removed
    (tmp_path / "empty").mkdir()
    code, _, err = cli("corpus", "build", tmp_path / "empty", "--out", out)
    assert code == 2 and "no documents found" in err  # and the corpus is left as it was
    assert len(budgetkit.corpus.open(out).documents) == 3


@pytest.mark.slow
def test_kill_9_leaves_the_previous_dataset_and_a_rerun_completes(tmp_path):
    data = tmp_path / "data"
    copies(data, 3)
    out = tmp_path / "corpus"
    build([data], out, jobs=1)
    before = (out / "current").resolve()
    copies(data, 60, start=3)
    proc = subprocess.Popen(
        [sys.executable, "-m", "budgetkit.cli", "corpus", "build", str(data), "--out", str(out)]
        + ["--jobs", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while len(list((out / "cache").glob("*.part"))) < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (out / "current").resolve() == before  # readers still see the previous dataset
    c = budgetkit.corpus.open(out)
    assert len(c.documents) == 3 and len(c.amounts) > 0
    done = build([data], out, jobs=1)
    assert done.documents == 63 and done.reused >= 10 and done.read <= 53
    assert not list((out / "generations").glob(".tmp-*"))  # the killed build's folder is gone


@pytest.mark.slow
def test_dask_gives_the_same_dataset_as_local(tmp_path):
    distributed = pytest.importorskip("distributed")
    data = tmp_path / "data"
    copies(data, 4)
    (data / "bad.txt").write_text("不是预算\n", "utf-8")
    local = build([data], tmp_path / "local", jobs=2)
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False) as cluster,
        distributed.Client(cluster),
    ):
        remote = build([data], tmp_path / "dask", address=cluster.scheduler_address)
    assert (remote.read, remote.documents, len(remote.failed)) == (5, 4, 1)
    a, b = frames(tmp_path / "local"), frames(tmp_path / "dask")
    for t in TABLES:
        assert a[t].equals(b[t]), t
    assert local.documents == remote.documents


@pytest.mark.slow
def test_bundled_data_builds(tmp_path):
    out = tmp_path / "corpus"
    code, stdout, stderr = cli("corpus", "build", ROOT / "data", "--out", out, cwd=ROOT)
    assert code == 0, stderr
    c = budgetkit.corpus.open(out)
    docs = c.documents
    # the seed, 13 Shanghai files and 23 corpus files; 北京信访办 is one document in two files
    assert len(docs) == 1 + 13 + 23 - 1 and len(c.failures) == 0
    assert "1 of them split into two files" in stdout + stderr
    wanli = docs[docs.department_key == "上海市普陀区人民政府万里街道办事处"]
    assert sorted(wanli.year) == [2023, 2024, 2025, 2025]
    # 部门 and 单位 documents of one department share its key
    sifa = docs[docs.department_key == "上海市普陀区司法局"]
    assert sorted(sifa.scope) == ["department", "unit"]


def test_a_document_may_be_two_files(tmp_path, split_seed):
    """A narrative file and its tables file (the seed cut in two) are one document of the
    corpus, paired on what they say (department, year, kind, scope), listing both sources; a
    rebuild reads nothing again."""
    import shutil

    data = tmp_path / "data"
    data.mkdir()
    narrative = shutil.move(split_seed[0], data / "a.txt")  # names say nothing
    tables_file = shutil.move(split_seed[1], data / "b.txt")
    alone = copies(data, 1, start=5)[0]
    result = build([data], tmp_path / "c", jobs=1)
    docs = budgetkit.corpus.open(tmp_path / "c").documents.set_index("department")
    assert result.documents == 2 and len(result.failed) == 0
    assert result.paired == [
        f"paired {narrative} (narrative) + {tables_file} (tables): one document, "
        "昌吉回族自治州人民政府驻北京联络处 2024 部门预算"
    ]
    pair = docs.loc["昌吉回族自治州人民政府驻北京联络处"]
    assert pair["sources"] == f"{narrative} | {tables_file}" and pair["publication"] == "split"
    assert pair["income_total"] == Decimal("342.31")
    assert docs.loc["测试市第5局", "sources"] == str(alone)
    assert docs.loc["测试市第5局", "publication"] == "full"
    amounts = budgetkit.corpus.open(tmp_path / "c").amounts
    assert set(amounts[amounts.document == pair["document"]]["file"]) == {str(tables_file)}
    again = build([data], tmp_path / "c", jobs=1)
    assert (again.read, again.documents, len(again.paired)) == (0, 2, 1)


def test_the_package_build_function_survives_its_first_call(tmp_path):
    """Importing the submodule `corpus.build` bound `budgetkit.corpus.build` to it, so a second
    `budgetkit.corpus.build(...)` (a notebook re-run) raised "'module' object is not callable"."""
    copies(tmp_path / "data", 1)
    budgetkit.corpus.build([tmp_path / "data"], tmp_path / "c", jobs=1)
    assert callable(budgetkit.corpus.build)
    assert budgetkit.corpus.build([tmp_path / "data"], tmp_path / "c", jobs=1).read == 0
