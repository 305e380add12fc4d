"""`accord finance returns`: the published examples through the command line, JSON with
exactly five figures (null where undefined), a readable table with the definitions and the
reasons, and bad files refused with exit code 2 and one line naming what and where."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from accord.cli import app
from tests.test_venture_returns import assert_at_decimals, assert_rate, example_params

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
FIGURES = {"irr", "moic", "tvpi", "dpi", "rvpi"}


def accord(*args: str) -> Any:
    return runner.invoke(app, list(args))


def write(tmp_path: Path, content: Any, name: str = "flows.json") -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, default=str))
    return str(path)


def cash_flows(pairs: list[list[Any]]) -> list[dict[str, Any]]:
    return [{"date": on, "amount": json_number(amount)} for on, amount in pairs]


def json_number(value: Any) -> Any:
    """A Decimal written back as the JSON number it was read from."""
    return json.loads(str(value)) if isinstance(value, Decimal) else value


def figures(tmp_path: Path, content: Any) -> dict[str, Any]:
    result = accord("finance", "returns", write(tmp_path, content), "--json")
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert set(output) == FIGURES
    return output


def test_help_lists_the_calculator_and_describes_its_file() -> None:
    assert "finance" in accord("--help").stdout
    result = accord("finance", "returns", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for words in ('"cash_flows"', '"as_of"', "negative = paid in", "actual/365 fixed"):
        assert words in text


@pytest.mark.parametrize("example", example_params("xirr"))
def test_returns_reproduces_published_xirr_example(example: dict[str, Any], tmp_path) -> None:
    output = figures(tmp_path, {"cash_flows": cash_flows(example["cashflows"])})
    assert_rate(output["irr"], float(example["expected_xirr"]), float(example["tolerance"]))
    assert output["rvpi"] == 0
    assert output["tvpi"] == output["dpi"] == output["moic"]


@pytest.mark.parametrize("example", example_params("multiples"))
def test_returns_reproduces_published_fund_multiples(example: dict[str, Any], tmp_path) -> None:
    inputs, expected = example["inputs"], example["expected"]
    content: dict[str, Any] = {
        "cash_flows": [
            {"date": "2019-01-01", "amount": -json_number(inputs["paid_in_capital"])},
            {"date": "2022-06-30", "amount": json_number(inputs["cumulative_distributions"])},
        ]
    }
    if "nav" in inputs:
        content |= {"nav": json_number(inputs["nav"]), "as_of": "2024-12-31"}
    output = figures(tmp_path, content)
    for name in ("DPI", "RVPI", "TVPI"):
        if name in expected:
            decimals = expected.get("decimals", 4)
            assert_at_decimals(output[name.lower()], expected[name], decimals, name)


def test_nav_is_a_final_flow_on_as_of(tmp_path) -> None:
    content = {
        "cash_flows": [{"date": "2021-01-01", "amount": -100}],
        "nav": 121,
        "as_of": "2023-01-01",
    }
    output = figures(tmp_path, content)
    assert output["irr"] == pytest.approx(0.1, abs=1e-12)
    assert (output["tvpi"], output["dpi"], output["rvpi"], output["moic"]) == (1.21, 0, 1.21, 1.21)


def test_undefined_figures_are_null_and_the_reasons_go_to_stderr(tmp_path) -> None:
    content = {"cash_flows": [{"date": "2021-01-01", "amount": 50}]}
    result = accord("finance", "returns", write(tmp_path, content), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == dict.fromkeys(["irr", "moic", "tvpi", "dpi", "rvpi"])
    assert "IRR is undefined: the cash flows are all received" in result.stderr
    assert "TVPI is undefined: nothing was paid in" in result.stderr


def test_several_rates_are_all_named(tmp_path) -> None:
    content = {
        "cash_flows": [
            {"date": "2021-01-01", "amount": -100},
            {"date": "2022-01-01", "amount": 230},
            {"date": "2023-01-01", "amount": -132},
        ]
    }
    result = accord("finance", "returns", write(tmp_path, content), "--json")
    assert json.loads(result.stdout)["irr"] == pytest.approx(0.1, abs=1e-12)
    assert "2 rates make the NPV zero (10.00%, 20.00%)" in result.stderr
    table = accord("finance", "returns", write(tmp_path, content))
    assert "2 rates make the NPV zero (10.00%, 20.00%)" in " ".join(table.stdout.split())


def test_money_is_read_exactly(tmp_path) -> None:
    # In floats 0.1 + 0.2 = 0.30000000000000004, and DPI would be 0.9999999999999999.
    text = (
        '{"cash_flows": [{"date": "2021-01-01", "amount": -0.1},'
        ' {"date": "2021-02-01", "amount": -0.2},'
        ' {"date": "2022-01-01", "amount": 0.3}]}'
    )
    assert figures(tmp_path, text)["dpi"] == 1.0


def test_readable_output_shows_each_figure_its_definition_and_why_undefined(tmp_path) -> None:
    content = {
        "cash_flows": [
            {"date": "2021-01-01", "amount": -100},
            {"date": "2022-01-01", "amount": -50},
        ],
        "nav": 0,
        "as_of": "2023-01-01",
    }
    result = accord("finance", "returns", write(tmp_path, content))
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    for words in (
        "IRR",
        "MOIC",
        "TVPI",
        "DPI",
        "RVPI",
        "Total value to paid-in",
        "undefined",
        "IRR is undefined: the cash flows are all paid in",
        "paid in 150",
    ):
        assert words in text, words


def test_flows_after_as_of_are_left_out_with_a_note(tmp_path) -> None:
    content = {
        "cash_flows": [
            {"date": "2021-01-01", "amount": -100},
            {"date": "2031-01-01", "amount": 900},
        ],
        "nav": 110,
        "as_of": "2022-01-01",
    }
    result = accord("finance", "returns", write(tmp_path, content), "--json")
    assert json.loads(result.stdout)["irr"] == pytest.approx(0.1, abs=1e-12)
    assert "1 cash flow(s) dated after as_of (2022-01-01) left out" in result.stderr


BAD_FILES = [
    ("not JSON", "{cash_flows: []}", "flows.json is not JSON: Expecting property name"),
    ("a list", [1], "expected a JSON object"),
    ("no cash_flows", {"nav": 1}, 'missing key "cash_flows"'),
    ("wrong shape", {"cash_flows": "2024-01-01,-100"}, "cash_flows: expected a list"),
    (
        "bad date",
        {"cash_flows": [{"date": "2024-01-01", "amount": -1}, {"date": "2024-13-01", "amount": 2}]},
        "cash_flows[1].date: “2024-13-01” is not a date (YYYY-MM-DD)",
    ),
    (
        "bad amount",
        {"cash_flows": [{"date": "2024-01-01", "amount": "12,5"}]},
        "cash_flows[0].amount: “12,5” is not a number",
    ),
    (
        "NaN amount",
        '{"cash_flows": [{"date": "2024-01-01", "amount": NaN}]}',
        "cash_flows[0].amount: nan is not a finite amount",
    ),
    ("missing amount", {"cash_flows": [{"date": "2024-01-01"}]}, 'cash_flows[0]: missing "amount"'),
    ("nav without as_of", {"cash_flows": [], "nav": 10}, "nav: given without as_of"),
    ("as_of without nav", {"cash_flows": [], "as_of": "2024-01-01"}, "as_of: given without nav"),
    ("not UTF-8", b"\xff\xfe{}", "cannot read"),
]


def assert_refused(result: Any, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("content", "message"), [pytest.param(c, m, id=name) for name, c, m in BAD_FILES]
)
def test_a_bad_file_is_refused_with_one_line_and_exit_code_2(
    content: Any, message: str, tmp_path
) -> None:
    if isinstance(content, bytes):
        path = tmp_path / "flows.json"
        path.write_bytes(content)
        file = str(path)
    else:
        file = write(tmp_path, content)
    assert_refused(accord("finance", "returns", file, "--json"), message)


def test_a_missing_file_or_a_folder_is_refused_with_exit_code_2(tmp_path) -> None:
    assert_refused(accord("finance", "returns", str(tmp_path / "nowhere.json")), "no file")
    assert_refused(accord("finance", "returns", str(tmp_path)), "is a folder")


def test_the_installed_command_prints_only_the_json_and_needs_no_django(tmp_path) -> None:
    file = write(
        tmp_path,
        {
            "cash_flows": [
                {"date": "2009-01-01", "amount": -10000},
                {"date": "2010-01-01", "amount": 11000},
            ]
        },
    )
    script = (
        "import sys\n"
        "from accord.cli import main\n"
        f"sys.argv = ['accord', 'finance', 'returns', {file!r}, '--json']\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    assert 'django' not in sys.modules, 'the calculator imported Django'\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert list(output) == ["irr", "moic", "tvpi", "dpi", "rvpi"]
    assert output["irr"] == pytest.approx(0.1, abs=1e-12)
