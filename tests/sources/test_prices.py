"""Reading price files: CSV and Parquet, line-numbered errors, nothing partial."""
from __future__ import annotations

import gzip

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stockgroups.services.study import import_prices
from stockgroups.sources.prices import PricesError, read_price_files
from stockgroups.store.prices import load_closes, priced_tickers
from stockgroups.store.sqlite import Store

GOOD = "date,ticker,close,volume\n2022-01-03,ccj,22.71,5237694\n2022-01-04,CCJ,23.64,\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_csv_rows_are_read_with_tickers_upper_cased_and_volume_optional(tmp_path):
    rows = read_price_files([write(tmp_path, "p.csv", GOOD)])
    assert [(r.ticker, r.date, r.close, r.volume) for r in rows] == [
        ("CCJ", "2022-01-03", 22.71, 5237694.0), ("CCJ", "2022-01-04", 23.64, None)]


def test_gzipped_csv_and_column_aliases_are_read(tmp_path):
    path = tmp_path / "p.csv.gz"
    path.write_bytes(gzip.compress(b"Symbol,Date,Close,MarketCap\nXOM,2022-01-03,63.5,2.6e11\n"))
    (row,) = read_price_files([str(path)])
    assert (row.ticker, row.close, row.market_cap) == ("XOM", 63.5, 2.6e11)


def test_parquet_rows_are_read(tmp_path):
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"date": ["2022-01-03"], "ticker": ["CVX"], "close": [119.1]}), path)
    (row,) = read_price_files([str(path)])
    assert (row.ticker, row.date, row.close) == ("CVX", "2022-01-03", 119.1)


@pytest.mark.parametrize("line, words", [
    ("2022-13-01,CCJ,1.0", "does not exist"),
    ("03/01/2022,CCJ,1.0", "is not YYYY-MM-DD"),
    ("2022-01-05,CCJ,-1", "is not a positive number"),
    ("2022-01-05,CCJ,abc", "is not a positive number"),
    ("2022-01-05,,1.0", "is not a ticker"),
    ("2022-01-05,CCJ,1.0,-5", "volume '-5' is not a number >= 0"),
])
def test_a_bad_row_is_named_by_file_and_line(tmp_path, line, words):
    path = write(tmp_path, "bad.csv", GOOD + line + "\n")
    with pytest.raises(PricesError) as err:
        read_price_files([path])
    assert str(err.value).startswith(f"{path}:4: ") and words in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_columns_and_conflicting_duplicates_are_errors(tmp_path):
    with pytest.raises(PricesError, match="missing column close"):
        read_price_files([write(tmp_path, "a.csv", "date,ticker\n2022-01-03,CCJ\n")])
    a = write(tmp_path, "b.csv", GOOD)
    b = write(tmp_path, "c.csv", "date,ticker,close\n2022-01-03,CCJ,99\n")
    with pytest.raises(PricesError, match=r"c.csv:2: CCJ 2022-01-03 already given as 22.71"):
        read_price_files([a, b])


def test_every_bad_row_is_listed_and_counted(tmp_path):
    text = "date,ticker,close\n" + "".join(f"2022-01-0{i},CCJ,x\n" for i in range(1, 4))
    with pytest.raises(PricesError) as err:
        read_price_files([write(tmp_path, "m.csv", text)])
    assert err.value.total == 3 and len(err.value.problems) == 3
    assert "(and 2 more problems)" in str(err.value)


def test_an_import_with_one_bad_file_stores_nothing(tmp_path):
    good = write(tmp_path, "good.csv", GOOD)
    bad = write(tmp_path, "bad.csv", "date,ticker,close\n2022-01-05,CCJ,oops\n")
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(PricesError):
            import_prices(store, [good, bad])
        assert priced_tickers(store) == {}


def test_reimporting_the_same_file_changes_nothing_and_a_correction_replaces(tmp_path):
    good = write(tmp_path, "good.csv", GOOD)
    with Store(tmp_path / "s.db") as store:
        first = import_prices(store, [good])
        again = import_prices(store, [good])
        assert (first.new, first.replaced) == (2, 0)
        assert (again.new, again.replaced) == (0, 2)
        fix = write(tmp_path, "fix.csv", "date,ticker,close\n2022-01-04,CCJ,23.65\n")
        import_prices(store, [fix])
        assert load_closes(store, ["ccj"]) == {"CCJ": {"2022-01-03": 22.71, "2022-01-04": 23.65}}
