"""`accord mcda rank` and `accord mcda ahp`: the published examples through the command line,
readable output, and bad files refused with exit code 2 and one line naming the problem."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from accord.cli import app
from tests.test_mcda import TABLE_IDS, assert_at_decimals, example_params, types_of

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def accord(*args: str) -> Any:
    return runner.invoke(app, list(args))


def write(tmp_path: Path, content: Any, name: str = "input.json") -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_help_lists_the_calculator_and_describes_its_files() -> None:
    assert "mcda" in accord("--help").stdout
    for command, key in (("rank", '"alternatives": a list of names'), ("ahp", '"pairwise"')):
        result = accord("mcda", command, "--help")
        assert result.exit_code == 0
        assert key in " ".join(result.stdout.split())


@pytest.mark.parametrize("example", example_params("topsis"))
def test_rank_reproduces_published_topsis_example(example: dict[str, Any], tmp_path) -> None:
    file = write(
        tmp_path,
        {
            "matrix": example["matrix"],
            "weights": example["weights"],
            "types": types_of(example["directions"]),
            "method": "topsis",
            "normalization": example.get("normalization", "vector"),
        },
    )
    result = accord("mcda", "rank", file, "--json")
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    expected = example["expected"]
    for index, closeness in enumerate(expected["closeness"]):
        assert_at_decimals(output["scores"][index], closeness, expected["decimals"])
    assert output["ranking"] == expected["ranking"]


@pytest.mark.parametrize("example", example_params("ahp"))
def test_ahp_reproduces_published_example(example: dict[str, Any], tmp_path) -> None:
    expected = example["expected"]
    table = TABLE_IDS[expected["random_index_table"]]
    file = write(tmp_path, {"pairwise": example["matrix"], "random_index": table})
    result = accord("mcda", "ahp", file, "--json")
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    for index, element in enumerate(example["elements"]):
        priority = expected["priorities"][element]
        assert_at_decimals(output["weights"][index], priority, expected["decimals"], element)
    assert_at_decimals(output["cr"], expected["consistency_ratio"], expected["decimals"])
    assert {"lambda_max", "ci", "consistent", "most_inconsistent"} <= output.keys()
    if "lambda_max" in example.get("independent_check", {}):
        assert_at_decimals(output["lambda_max"], example["independent_check"]["lambda_max"], 4)
        assert_at_decimals(output["ci"], example["independent_check"]["CI"], 4)


def test_ahp_accepts_the_examples_table_ids_and_fractions_as_text(tmp_path) -> None:
    pairwise = [[1, 3, 9], ["1/3", 1, 3], ["1/9", "1/3", 1]]
    file = write(tmp_path, {"pairwise": pairwise, "random_index": "donegan-dodd-1991"})
    result = accord("mcda", "ahp", file, "--json")
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert output["weights"] == pytest.approx([9 / 13, 3 / 13, 1 / 13])
    assert output["cr"] == pytest.approx(0.0, abs=1e-12)
    assert output["random_index"] == "donegan-dodd"


def test_rank_prints_a_readable_table_best_first_and_notes_renormalized_weights(tmp_path) -> None:
    file = write(
        tmp_path,
        {
            "matrix": [[1, 9], [3, 2], [2, 5]],
            "weights": [2, 2],
            "types": [1, -1],
            "method": "wsm",
            "alternatives": ["North", "South", "East"],
        },
    )
    result = accord("mcda", "rank", file)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "│" in line]
    assert [line.split("│")[2].strip() for line in lines] == ["South", "East", "North"]
    assert "weights summed to 4; divided by their sum" in result.stderr
    assert "WSM, minmax normalization" in result.stderr


def test_rank_json_carries_notices_and_shared_ranks_for_ties(tmp_path) -> None:
    file = write(tmp_path, {"matrix": [[1, 2], [1, 2], [0, 1]], "weights": [1, 1], "types": [1, 1]})
    output = json.loads(accord("mcda", "rank", file, "--json").stdout)
    assert output["ranking"] == [1, 1, 3]
    assert output["notices"] == ["weights summed to 2; divided by their sum to make 1"]
    assert output["method"] == "topsis" and output["normalization"] == "vector"


def test_ahp_readable_output_flags_inconsistency_and_names_the_comparison(tmp_path) -> None:
    weights = [8, 4, 2, 1, 2]
    pairwise = [[a / b for b in weights] for a in weights]
    pairwise[0][3], pairwise[3][0] = 1 / 8, 8
    names = ["cost", "fit", "team", "risk", "speed"]
    file = write(tmp_path, {"pairwise": pairwise, "elements": names})
    result = accord("mcda", "ahp", file)
    assert result.exit_code == 0, result.output
    assert "INCONSISTENT" in result.stdout
    assert "Most inconsistent: cost vs risk (row 0, column 3) = 0.125" in result.stdout


BAD_RANK_FILES = [
    ("not json", "{matrix: [1]", "input.json is not JSON: Expecting property name"),
    ("a list", [[1, 2]], "must hold a JSON object"),
    ("no matrix", {"weights": [1], "types": [1]}, "missing key 'matrix'"),
    ("no weights", {"matrix": [[1]], "types": [1]}, "missing key 'weights'"),
    ("no types", {"matrix": [[1]], "weights": [1]}, "missing key 'types'"),
    ("flat matrix", {"matrix": [1, 2], "weights": [1], "types": [1]}, "list of rows"),
    (
        "ragged",
        {"matrix": [[1, 2], [3]], "weights": [1, 1], "types": [1, 1]},
        "'matrix' row 1 has 1 values; row 0 has 2",
    ),
    (
        "text score",
        {"matrix": [[1, 2], [3, "high"]], "weights": [1, 1], "types": [1, 1]},
        'matrix[1][1] (row 1, column 1) is not a number: "high"',
    ),
    (
        "boolean score",
        {"matrix": [[1, True]], "weights": [1, 1], "types": [1, 1]},
        "matrix[0][1] (row 0, column 1) is not a number: true",
    ),
    (
        "weights count",
        {"matrix": [[1, 2]], "weights": [1], "types": [1, 1]},
        "'weights' has 1 values; 'matrix' has 2 criteria",
    ),
    (
        "negative weight",
        {"matrix": [[1, 2]], "weights": [1, -1], "types": [1, 1]},
        "weights[1] is negative (-1)",
    ),
    (
        "text weight",
        {"matrix": [[1, 2]], "weights": [1, "x"], "types": [1, 1]},
        'weights[1] is not a number: "x"',
    ),
    (
        "bad type",
        {"matrix": [[1, 2]], "weights": [1, 1], "types": [1, 0]},
        "types[1] must be 1 (benefit) or -1 (cost), not 0",
    ),
    (
        "bad method",
        {"matrix": [[1]], "weights": [1], "types": [1], "method": "vikor"},
        "'method' must be one of topsis, wsm",
    ),
    (
        "bad normalization",
        {"matrix": [[1]], "weights": [1], "types": [1], "normalization": "sum"},
        "'normalization' must be one of vector, minmax",
    ),
    (
        "names count",
        {"matrix": [[1]], "weights": [1], "types": [1], "alternatives": ["a", "b"]},
        "'alternatives' must be a list of 1 names",
    ),
]

BAD_AHP_FILES = [
    ("not json", "", "is not JSON"),
    ("no pairwise", {"matrix": [[1]]}, "missing key 'pairwise'"),
    ("not square", {"pairwise": [[1, 2], [0.5, 1], [1, 1]]}, "'pairwise' must be square"),
    (
        "not reciprocal",
        {"pairwise": [[1, 3], [3, 1]]},
        "not reciprocal at row 0, column 1: a[0][1] * a[1][0] = 9, expected 1",
    ),
    (
        "zero",
        {"pairwise": [[1, 0], [0, 1]]},
        "pairwise[0][1] (row 0, column 1) must be a positive number, not 0",
    ),
    (
        "off the scale",
        {"pairwise": [[1, 12], ["1/12", 1]]},
        "pairwise[0][1] (row 0, column 1) = 12 is outside Saaty's scale 1/9..9",
    ),
    (
        "text",
        {"pairwise": [[1, "much"], [1, 1]]},
        'pairwise[0][1] (row 0, column 1) is not a number: "much"',
    ),
    (
        "bad table",
        {"pairwise": [[1]], "random_index": "alonso"},
        "'random_index' must be one of saaty, saaty-2005, donegan-dodd",
    ),
    (
        "too large for the table",
        {"pairwise": [[1] * 16 for _ in range(16)]},
        "random index table 'saaty' stops at n = 15",
    ),
]


def assert_refused(result: Any, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("content", "message"), [pytest.param(c, m, id=name) for name, c, m in BAD_RANK_FILES]
)
def test_rank_refuses_a_bad_file_with_one_line_and_exit_code_2(
    content: Any, message: str, tmp_path
) -> None:
    assert_refused(accord("mcda", "rank", write(tmp_path, content), "--json"), message)


@pytest.mark.parametrize(
    ("content", "message"), [pytest.param(c, m, id=name) for name, c, m in BAD_AHP_FILES]
)
def test_ahp_refuses_a_bad_file_with_one_line_and_exit_code_2(
    content: Any, message: str, tmp_path
) -> None:
    assert_refused(accord("mcda", "ahp", write(tmp_path, content)), message)


def test_a_missing_file_is_refused_with_exit_code_2(tmp_path) -> None:
    assert_refused(accord("mcda", "rank", str(tmp_path / "nowhere.json")), "no file")


def test_the_calculator_runs_without_django(tmp_path) -> None:
    file = write(tmp_path, {"pairwise": [[1, 2], [0.5, 1]]})
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from accord.cli import app\n"
        f"result = CliRunner().invoke(app, ['mcda', 'ahp', {file!r}, '--json'])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'django' not in sys.modules, 'the calculator imported Django'\n"
        "print(result.stdout)\n"
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
    assert json.loads(done.stdout)["weights"] == pytest.approx([2 / 3, 1 / 3])
