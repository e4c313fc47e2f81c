"""Bad shop folders and bad policies get a clear message naming the file and line; and the
`shop-desk simulate` command, run as a user would."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from shop_desk import i18n
from shop_desk.errors import InputError
from shop_desk.reorder.review import OrderLine
from shop_desk.simulate import PolicyError, load_shop, make_policy, policies, simulate
from tests.conftest import DATA
from tests.sim_shop import Scripted, write_shop
from tests.test_cli import cli


@pytest.fixture
def folder(tmp_path):
    return write_shop(
        tmp_path / "shop",
        products=[("A", "Milk, 1 L", 100, 3), ("C", "Soap", 100, "")],
        demand={"A": [1, 2, 0, 3], "C": [0, 1, 1, 0]},
        suppliers=[("S", 1, 300, 1000, "2000:100")],
        offers=[("S", "S-A", "A", 1, "1:60|5:50", 1, 1), ("S", "S-C", "C", 6, "2:300", 2, 2)],
    )


def edit(folder, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_good_folder_loads(folder):
    shop = load_shop(folder)
    assert [p.name for p in shop.products] == ["Milk, 1 L", "Soap"]
    assert shop.first_day == dt.date(2024, 3, 1) and shop.demand.tolist() == [
        [1, 2, 0, 3],
        [0, 1, 1, 0],
    ]
    assert shop.suppliers["S"].member_tiers == ((2000, 100),)
    assert [(t.min_packs, t.pack_price_fen) for t in shop.offers[0].tiers] == [(1, 60), (5, 50)]


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("products.csv", "A,", "C,", "products.csv line 3: product C is listed twice."),
        ("products.csv", ",100,3", ",1.5,3", "products.csv line 2: retail_price_fen must be"),
        ("products.csv", ",100,3", ",100,0", "products.csv line 2: shelf_life_days must be at"),
        ("products.csv", "retail_price_fen", "price", "products.csv: the header has no column"),
        ("demand.csv", "2024-03-01,A", "2024-02-30,A", "demand.csv line 2: '2024-02-30' is not"),
        ("demand.csv", "2024-03-01,A", "2024-03-01,Z", "demand.csv line 2: product Z is not in"),
        ("demand.csv", ",A,1", ",A,-1", "demand.csv line 2: units must be at least 0."),
        ("demand.csv", "2024-03-02,A", "2024-03-01,A", "demand.csv line 3: a second row for"),
        ("suppliers.csv", "S,1,", "S,soon,", "suppliers.csv line 2: lead_time_days must be"),
        ("suppliers.csv", "2000:100", "2000-100", "suppliers.csv line 2: member_tiers: '2000-"),
        ("offers.csv", "S,S-A", "X,S-A", "offers.csv line 2: supplier X is not in suppliers"),
        ("offers.csv", "1:60|5:50", "5:60|1:50", "offers.csv line 2: tiers: the thresholds"),
        ("offers.csv", "2:300", "3:300", "offers.csv line 3: tiers give no price for the MOQ"),
        ("offers.csv", "S-C,C,6", "S-A,C,6", "offers.csv line 3: sku 'S-A' is empty or listed"),
        ("offers.csv", "S,S-C,C", "S,S-C,A", "offers.csv: product C has no offer"),
        ("offers.csv", ",6,", ",0,", "offers.csv line 3: pack_size must be at least 1."),
    ],
)
def test_bad_rows_name_the_file_and_line(folder, name, old, new, message):
    edit(folder, name, old, new)
    with pytest.raises(InputError) as caught:
        load_shop(folder)
    assert message in str(caught.value)


def test_missing_folder_and_missing_file(tmp_path, folder):
    with pytest.raises(InputError, match="Not a shop folder"):
        load_shop(tmp_path / "nowhere")
    (folder / "offers.csv").unlink()
    with pytest.raises(InputError, match=r"The shop folder has no offers\.csv"):
        load_shop(folder)


def test_messages_in_chinese(folder):
    edit(folder, "demand.csv", "2024-03-01,A", "2024-03-01,Z")
    i18n.set_language("zh_CN")
    with pytest.raises(InputError) as caught:
        load_shop(folder)
    assert "demand.csv 第 2 行" in str(caught.value) and "Z" in str(caught.value)


def test_warmup_and_review_period_are_checked(folder):
    shop = load_shop(folder)
    with pytest.raises(InputError, match="shorter than the 4 days"):
        simulate(shop, make_policy("minmax"), warmup_days=4)
    with pytest.raises(InputError, match="at least 1 day"):
        simulate(shop, make_policy("minmax"), review_days=0, warmup_days=2)


def test_policy_lines_must_match_an_offer(folder):
    shop = load_shop(folder)
    start = dt.date(2024, 3, 1)
    bad = [
        (OrderLine("S", "S-A", "C", 1), "no such offer"),
        (OrderLine("S", "S-X", "A", 1), "no such offer"),
        (OrderLine("S", "S-C", "C", 3), "at least 2 packs, in multiples of 2"),
        (OrderLine("S", "S-A", "A", 0), "at least 1 packs"),
    ]
    for line, message in bad:
        with pytest.raises(PolicyError, match=message):
            simulate(shop, Scripted(2, start, {0: [line]}), warmup_days=2)


def test_unknown_and_missing_policies(monkeypatch):
    with pytest.raises(InputError, match="Unknown policy best; choose one of shopdesk, minmax"):
        make_policy("best")
    monkeypatch.setitem(policies.POLICIES, "ghost", "shop_desk.reorder.ghost:GhostPolicy")
    with pytest.raises(InputError, match=r"ghost is not part of this build"):
        make_policy("ghost")
    monkeypatch.setitem(policies.POLICIES, "ghost", "shop_desk.reorder.minmax:GhostPolicy")
    with pytest.raises(InputError, match=r"shop_desk.reorder.minmax.GhostPolicy is missing"):
        make_policy("ghost")
    assert make_policy("minmax").name == "minmax"


def test_cli_json_matches_the_baseline(tmp_path):
    result = cli(
        tmp_path, "simulate", str(DATA / "online-retail-dev"), "--policy", "minmax", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["policy"], data["review_days"], data["warmup_days"]) == ("minmax", 7, 56)
    assert data["profit_fen"] == 35686415 and data["orders"] == 46  # BASELINE.md, to the fen
    assert len(data["per_product"]) == data["products"] == 200
    assert sum(p["lost_units"] for p in data["per_product"]) == data["lost_units"]
    assert sum(p["revenue_fen"] for p in data["per_product"]) == data["revenue_fen"]


def test_cli_summary_and_errors(tmp_path):
    shop = shutil.copytree(DATA / "m5-dev", tmp_path / "m5 商店")  # a non-ASCII path
    result = cli(tmp_path, "simulate", str(shop), "--policy", "minmax", "--review-days", "1")
    assert result.returncode == 0, result.stderr
    assert "Policy minmax, a review every 1 days, 674 days from 2014-06-21" in result.stdout
    assert "Fill rate 74.73%" in result.stdout and "Profit ¥247,760.30." in result.stdout
    (shop / "suppliers.csv").write_text("supplier_id,lead_time_days\n", encoding="utf-8")
    result = cli(tmp_path, "simulate", str(shop), "--policy", "minmax")
    assert result.returncode == 1
    assert "suppliers.csv: the header has no column shipping_fee_fen." in result.stderr
    result = cli(tmp_path, "simulate", str(shop), "--policy", "nonsense")
    assert result.returncode == 1 and "Unknown policy nonsense" in result.stderr


def test_progress_is_reported_up_to_the_last_day():
    calls = []
    shop = load_shop(DATA / "online-retail-dev")
    simulate(shop, make_policy("minmax"), progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (30, 318) and calls[-1] == (318, 318)
    assert [d for d, _ in calls] == sorted({d for d, _ in calls})
