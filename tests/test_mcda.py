"""The MCDA core: published TOPSIS and AHP examples, properties, edge cases and bad input.

The worked examples are read from ../shared/eval/mcda_examples.json beside the repository
(never copied into it); the tests that need it skip with a message when it is absent.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from accord.screening import mcda

SHARED_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
EXAMPLES_FILE = SHARED_EVAL / "mcda_examples.json"
ABSENT = f"shared eval file mcda_examples.json is absent (expected at {EXAMPLES_FILE})"
# The examples file names its random index tables by these ids.
TABLE_IDS = {
    "saaty-classic": "saaty",
    "saaty-2005": "saaty-2005",
    "donegan-dodd-1991": "donegan-dodd",
}


def load_examples() -> dict[str, Any] | None:
    if not EXAMPLES_FILE.exists():
        return None
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))


def example_params(section: str) -> list[Any]:
    """One pytest param per worked example, by id; a single skipped one when the file is absent."""
    data = load_examples()
    if data is None:
        return [pytest.param(None, id="absent", marks=pytest.mark.skip(reason=ABSENT))]
    examples = data["topsis"] if section == "topsis" else data["ahp"]["examples"]
    return [pytest.param(example, id=example["id"]) for example in examples]


def types_of(directions: list[str]) -> list[int]:
    return [mcda.BENEFIT if d == "benefit" else mcda.COST for d in directions]


def assert_at_decimals(actual: float, expected: float, decimals: int, what: str = "") -> None:
    """Equal at the stated decimals: the figure rounds to the published one."""
    assert round(actual, decimals) == pytest.approx(expected, abs=1e-12), (
        f"{what}: {actual!r} does not round to {expected} at {decimals} decimals"
    )


def decimals_of(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text else 0


# --- Published examples ----------------------------------------------------------------------


@pytest.mark.parametrize("example", example_params("topsis"))
def test_topsis_reproduces_published_example(example: dict[str, Any]) -> None:
    expected = example["expected"]
    result = mcda.rank(
        example["matrix"],
        example["weights"],
        types_of(example["directions"]),
        method="topsis",
        normalization=example.get("normalization", "vector"),
    )
    for index, closeness in enumerate(expected["closeness"]):
        assert_at_decimals(
            result.scores[index], closeness, expected["decimals"], example["alternatives"][index]
        )
    assert result.ranking.tolist() == expected["ranking"]


@pytest.mark.parametrize("example", example_params("ahp"))
def test_ahp_reproduces_published_example(example: dict[str, Any]) -> None:
    expected = example["expected"]
    decimals = expected["decimals"]
    result = mcda.ahp(example["matrix"], random_index=TABLE_IDS[expected["random_index_table"]])
    for index, element in enumerate(example["elements"]):
        assert_at_decimals(
            result.weights[index], expected["priorities"][element], decimals, element
        )
    assert_at_decimals(result.cr, expected["consistency_ratio"], decimals, "CR")
    assert result.consistent == (expected["consistency_ratio"] <= mcda.CONSISTENCY_THRESHOLD)
    check = example.get("independent_check", {})
    if "lambda_max" in check:
        lambda_max = check["lambda_max"]
        assert_at_decimals(result.lambda_max, lambda_max, decimals_of(lambda_max), "lambda_max")
    if "CI" in check:
        assert_at_decimals(result.ci, check["CI"], decimals_of(check["CI"]), "CI")
    for key, value in check.items():
        if key.startswith("CR_with_saaty_classic"):
            classic = mcda.ahp(example["matrix"], random_index="saaty")
            assert_at_decimals(classic.cr, value, decimals, key)


def leader_example() -> dict[str, Any]:
    data = load_examples()
    if data is None:
        pytest.skip(ABSENT)
    return next(e for e in data["ahp"]["examples"] if e["id"] == "ahp-leader-criteria")


def leader_children(example: dict[str, Any]) -> dict[str, np.ndarray]:
    """The four candidate comparisons: two as matrices, Charisma and Age from the note's pairs."""
    children = {name: np.array(sub["matrix"]) for name, sub in example["sub_matrices"].items()}
    moll, nell, sue = 0, 1, 2
    children["Charisma"] = mcda.pairwise_from_comparisons(
        3, {(moll, nell): 5, (moll, sue): 9, (nell, sue): 4}
    )
    children["Age"] = mcda.pairwise_from_comparisons(
        3, {(moll, nell): 1 / 3, (moll, sue): 5, (nell, sue): 9}
    )
    return children


def test_ahp_leader_sub_matrices_reproduce_local_priorities_and_consistency() -> None:
    example = leader_example()
    decimals = example["expected"]["decimals"]
    criteria = mcda.ahp(example["matrix"], random_index="saaty-2005")
    for name, sub in example["sub_matrices"].items():
        expected = sub["expected"]
        result = mcda.ahp(sub["matrix"], random_index=TABLE_IDS[expected["random_index_table"]])
        assert_at_decimals(result.cr, expected["consistency_ratio"], decimals, f"{name} CR")
        for index, element in enumerate(sub["elements"]):
            if "priorities" in expected:
                local = expected["priorities"][element]
                assert_at_decimals(result.weights[index], local, decimals, f"{name} {element}")
            if "global_priorities" in expected:
                # The source (AHPy, precision=3) rounds every node's weights to 3 decimals
                # before multiplying: Sue's exact global weight 0.0925 is printed as 0.093.
                parent = round(criteria.weights[example["elements"].index(name)], decimals)
                rounded = round(result.weights[index], decimals) * parent
                glob = expected["global_priorities"][element]
                assert_at_decimals(rounded, glob, decimals, f"{name} {element} global")
                exact = result.weights[index] * criteria.weights[example["elements"].index(name)]
                assert exact == pytest.approx(glob, abs=10**-decimals)


def test_ahp_leader_synthesis_reproduces_target_weights() -> None:
    example = leader_example()
    decimals = example["expected"]["decimals"]
    criteria = mcda.ahp(example["matrix"], random_index="saaty-2005")
    children = leader_children(example)
    local = np.column_stack([mcda.ahp(children[name]).weights for name in example["elements"]])
    target = example["expected_synthesis"]["target_weights"]
    candidates = example["sub_matrices"]["Experience"]["elements"]
    exact = mcda.synthesize(criteria.weights, local)
    # As the source computes it: weights rounded to 3 decimals at every node, then summed.
    rounded = np.round(local, decimals) @ np.round(criteria.weights, decimals)
    for index, candidate in enumerate(candidates):
        assert_at_decimals(rounded[index], target[candidate], decimals, candidate)
        assert exact[index] == pytest.approx(target[candidate], abs=10**-decimals)
    assert exact.sum() == pytest.approx(1.0)


def test_random_index_tables_match_the_published_tables() -> None:
    data = load_examples()
    if data is None:
        pytest.skip(ABSENT)
    for table in data["ahp"]["random_index_tables"]:
        embedded = mcda.RANDOM_INDEX_TABLES[TABLE_IDS[table["id"]]]
        published = {int(n): value for n, value in table["values"].items()}
        assert embedded == published, table["id"]
        for n, value in published.items():
            assert mcda.random_index_for(n, table["id"]) == value


# --- TOPSIS and weighted sum -----------------------------------------------------------------

MATRIX = [[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4], [225, 16, 16, 2]]
TYPES = [-1, 1, 1, 1]  # price is a cost
WEIGHTS = [0.25, 0.25, 0.25, 0.25]


def textbook_topsis(matrix: Any, weights: Any, types: Any) -> np.ndarray:
    """TOPSIS as printed: vector normalization, ideal = max of a benefit, min of a cost."""
    x = np.asarray(matrix, dtype=float)
    v = x / np.sqrt((x**2).sum(axis=0)) * np.asarray(weights)
    benefit = np.asarray(types) == 1
    ideal = np.where(benefit, v.max(axis=0), v.min(axis=0))
    anti = np.where(benefit, v.min(axis=0), v.max(axis=0))
    to_ideal = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    to_anti = np.sqrt(((v - anti) ** 2).sum(axis=1))
    return to_anti / (to_ideal + to_anti)


def test_topsis_with_a_cost_criterion_matches_the_textbook_formulation() -> None:
    closeness = mcda.topsis(MATRIX, WEIGHTS, TYPES)
    assert closeness == pytest.approx(textbook_topsis(MATRIX, WEIGHTS, TYPES), abs=1e-12)


def test_minmax_topsis_turns_cost_criteria_around() -> None:
    x = np.array(MATRIX, dtype=float)
    low, high = x.min(axis=0), x.max(axis=0)
    r = (x - low) / (high - low)
    r[:, 0] = (high[0] - x[:, 0]) / (high[0] - low[0])
    v = r * 0.25
    to_ideal = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    to_anti = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    closeness = mcda.topsis(MATRIX, WEIGHTS, TYPES, normalization="minmax")
    assert closeness == pytest.approx(to_anti / (to_ideal + to_anti), abs=1e-12)


def test_weighted_sum_uses_minmax_by_default_and_scores_between_0_and_1() -> None:
    result = mcda.rank([[1, 10], [3, 30], [2, 20]], [0.5, 0.5], [1, -1], method="wsm")
    assert result.normalization == "minmax"
    # Alternative 0 is worst on the benefit and best on the cost: 0.5 * 0 + 0.5 * 1.
    assert result.scores.tolist() == pytest.approx([0.5, 0.5, 0.5])
    assert result.ranking.tolist() == [1, 1, 1]
    result = mcda.rank([[1, 10], [3, 10], [2, 20]], [0.5, 0.5], [1, -1], method="wsm")
    assert result.scores.tolist() == pytest.approx([0.5, 1.0, 0.25])
    assert result.ranking.tolist() == [2, 1, 3]


def test_weighted_sum_with_vector_normalization_turns_costs_into_one_minus_r() -> None:
    x = np.array([[3.0, 4.0], [4.0, 3.0]])
    scores = mcda.wsm(x, [0.5, 0.5], [1, -1], normalization="vector")
    assert scores.tolist() == pytest.approx([0.5 * 0.6 + 0.5 * 0.2, 0.5 * 0.8 + 0.5 * 0.4])


def test_ties_share_the_better_rank_and_the_next_rank_is_skipped() -> None:
    assert mcda.rank_scores([0.5, 0.7, 0.5, 0.1]).tolist() == [2, 1, 2, 4]
    assert mcda.rank_scores([0.3, 0.3 + 1e-15, 0.2]).tolist() == [1, 1, 3]
    assert mcda.rank_scores([1.0]).tolist() == [1]


@pytest.mark.parametrize("method", ["topsis", "wsm"])
@pytest.mark.parametrize("normalization", ["vector", "minmax"])
def test_a_criterion_where_everyone_scores_the_same_adds_nothing_and_divides_by_nothing(
    method: str, normalization: str
) -> None:
    with_flat = [[5, 1, 7], [5, 3, 2], [5, 2, 9]]
    without = [[1, 7], [3, 2], [2, 9]]
    with_zero = [[0, 1, 7], [0, 3, 2], [0, 2, 9]]
    options = {"method": method, "normalization": normalization}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flat = mcda.rank(with_flat, [0.4, 0.3, 0.3], [1, 1, -1], **options)
        zero = mcda.rank(with_zero, [0.4, 0.3, 0.3], [-1, 1, -1], **options)
    reference = mcda.rank(without, [0.3, 0.3], [1, -1], **options)
    assert np.isfinite(flat.scores).all() and np.isfinite(zero.scores).all()
    assert flat.ranking.tolist() == reference.ranking.tolist() == zero.ranking.tolist()
    if method == "topsis" or normalization == "minmax":
        # A flat column contributes nothing; TOPSIS closeness ignores the weights' scale.
        scale = 1.0 if method == "topsis" else 0.6
        assert flat.scores == pytest.approx(reference.scores * scale)


def test_identical_alternatives_all_have_closeness_one_half_and_rank_one() -> None:
    result = mcda.rank([[2, 3], [2, 3], [2, 3]], [0.5, 0.5], [1, -1])
    assert result.scores.tolist() == [0.5, 0.5, 0.5]
    assert result.ranking.tolist() == [1, 1, 1]
    assert mcda.rank([[4, 1]], [1, 1], [1, 1]).ranking.tolist() == [1]


def test_weights_not_summing_to_one_are_normalized_with_a_notice() -> None:
    result = mcda.rank(MATRIX, [1, 1, 1, 1], TYPES)
    assert result.weights.tolist() == [0.25] * 4
    assert len(result.notices) == 1 and "summed to 4" in result.notices[0]
    assert mcda.rank(MATRIX, WEIGHTS, TYPES).notices == ()
    assert result.scores == pytest.approx(mcda.topsis(MATRIX, WEIGHTS, TYPES))


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([0.5, -0.1, 0.3, 0.3], r"weights\[1\] is negative"),
        ([0, 0, 0, 0], "all zero"),
        ([0.5, 0.5], "hold 2 values; the matrix has 4 criteria"),
        ([0.5, math.nan, 0.3, 0.2], r"weights\[1\] is not a finite number"),
        ([[0.5, 0.5]], "non-empty list"),
    ],
)
def test_bad_weights_are_refused_naming_what_is_wrong(weights: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mcda.rank(MATRIX, weights, TYPES)


@pytest.mark.parametrize(
    ("matrix", "types", "message"),
    [
        ([[1, 2], [3, math.inf]], [1, 1], r"matrix\[1\]\[1\] \(row 1, column 1\)"),
        ([[1, 2], [3, math.nan]], [1, 1], "not a finite number"),
        ([1, 2, 3], [1], "at least one row"),
        ([[1, 2], [3, 4]], [1, 0], r"types\[1\] must be 1 \(benefit\) or -1 \(cost\)"),
        ([[1, 2], [3, 4]], [1], "types must hold 2 values"),
    ],
)
def test_bad_matrices_and_types_are_refused_naming_row_and_column(
    matrix: Any, types: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        mcda.rank(matrix, [1] * len(types), types)


def test_unknown_method_or_normalization_is_refused() -> None:
    with pytest.raises(ValueError, match="method must be one of topsis, wsm"):
        mcda.rank(MATRIX, WEIGHTS, TYPES, method="vikor")
    with pytest.raises(ValueError, match="normalization must be one of vector, minmax"):
        mcda.rank(MATRIX, WEIGHTS, TYPES, normalization="sum")


# --- Knock-outs ------------------------------------------------------------------------------


def test_knockouts_name_each_alternative_and_criterion_that_misses_a_must_have() -> None:
    matrix = [[3, 100, 2], [5, 250, 4], [1, 90, math.nan]]
    failures = mcda.knockouts(
        matrix, [2, 200, 3], [1, -1, 1], criteria=["maturity", "price", "security"]
    )
    found = [(f.alternative, f.criterion) for f in failures]
    assert found == [(0, 2), (1, 1), (2, 0), (2, 2)]
    reasons = [f.reason for f in failures]
    assert reasons[0] == "security: 2 is below the minimum 3"
    assert reasons[1] == "price: 250 is above the maximum 200"
    assert reasons[3] == "security: no score, must-have threshold 3"


def test_knockouts_take_none_or_a_mapping_for_criteria_without_threshold() -> None:
    matrix = [[3, 100], [5, 250]]
    assert mcda.knockouts(matrix, [None, 200], [1, -1]) == mcda.knockouts(matrix, {1: 200}, [1, -1])
    (failure,) = mcda.knockouts(matrix, [4, None], [1, -1])
    assert failure.reason == "criterion 0: 3 is below the minimum 4"
    assert mcda.knockouts(matrix, [3, 250], [1, -1]) == []  # the threshold itself passes
    with pytest.raises(ValueError, match="thresholds name criterion 5"):
        mcda.knockouts(matrix, {5: 1.0}, [1, -1])
    with pytest.raises(ValueError, match="thresholds must hold 2 values"):
        mcda.knockouts(matrix, [1.0], [1, -1])


# --- Sensitivity -----------------------------------------------------------------------------


def per_sample_reference(matrix: Any, weights: np.ndarray, types: Any, k: int) -> tuple[Any, Any]:
    """The same figures computed one sample at a time with the plain functions."""
    m = len(matrix)
    first, top = np.zeros(m), np.zeros(m)
    for sample in weights:
        ranks = mcda.rank_scores(mcda.topsis(matrix, sample, types))
        first += ranks == 1
        top += ranks <= k
    return first / len(weights), top / len(weights)


def test_sensitivity_matches_a_per_sample_loop_and_does_not_depend_on_chunking() -> None:
    rng = np.random.default_rng(5)
    matrix = rng.uniform(1, 10, (40, 5))
    weights, types = [0.3, 0.25, 0.2, 0.15, 0.1], [1, 1, -1, 1, -1]
    result = mcda.sensitivity(matrix, weights, types, samples=300, top_k=5, seed=11)
    chunked = mcda.sensitivity(matrix, weights, types, samples=300, top_k=5, seed=11, chunk_size=7)
    drawn = mcda.sample_weights(weights, samples=300, seed=11)
    first, top = per_sample_reference(matrix, drawn, types, 5)
    assert result.p_first.tolist() == pytest.approx(first.tolist())
    assert result.p_top_k.tolist() == pytest.approx(top.tolist())
    assert chunked.p_first.tolist() == result.p_first.tolist()
    assert chunked.p_top_k.tolist() == result.p_top_k.tolist()
    assert result.p_first.sum() == pytest.approx(1.0)
    assert result.p_top_k.sum() == pytest.approx(5.0)
    assert (result.p_top_k >= result.p_first).all()
    assert result.leader == int(np.argmax(mcda.topsis(matrix, weights, types)))


def test_sensitivity_is_reproducible_by_seed() -> None:
    matrix = np.random.default_rng(0).uniform(0, 1, (30, 3))
    runs = [mcda.sensitivity(matrix, [0.4, 0.3, 0.3], [1, 1, 1], seed=seed) for seed in (3, 3, 4)]
    assert runs[0].as_dict() == runs[1].as_dict()
    assert runs[0].as_dict() != runs[2].as_dict()
    assert runs[0].samples == mcda.DEFAULT_SAMPLES


def test_a_dominant_alternative_is_stable() -> None:
    matrix = [[9, 9, 1], [5, 5, 5], [4, 6, 5], [1, 2, 9]]
    result = mcda.sensitivity(matrix, [0.4, 0.4, 0.2], [1, 1, -1], samples=500, method="wsm")
    assert result.leader == 0
    assert result.p_first.tolist() == [1.0, 0.0, 0.0, 0.0]
    assert result.stability == "stable"


def test_a_near_tie_is_fragile_or_contested() -> None:
    # Alternatives 0 and 1 trade places as the two weights move around one half.
    matrix = [[10, 0], [0, 10.1], [1, 1]]
    result = mcda.sensitivity(matrix, [0.5, 0.5], [1, 1], samples=2000, concentration=50)
    assert result.leader == 1
    assert 0.3 < result.leader_p_first < 0.7
    assert result.stability in {"fragile", "contested"}
    assert result.p_first[0] + result.p_first[1] == pytest.approx(1.0)


def test_stability_labels_follow_the_documented_thresholds() -> None:
    assert mcda.stability_label(0.8) == "stable"
    assert mcda.stability_label(0.79) == "contested"
    assert mcda.stability_label(0.5) == "contested"
    assert mcda.stability_label(0.49) == "fragile"


def test_sampled_weights_sum_to_one_centre_on_the_weights_and_keep_zeros() -> None:
    drawn = mcda.sample_weights([0.5, 0.3, 0.2, 0.0], samples=4000, concentration=100, seed=2)
    assert drawn.shape == (4000, 4)
    assert drawn.sum(axis=1) == pytest.approx(np.ones(4000))
    assert (drawn[:, 3] == 0).all()
    assert drawn.mean(axis=0) == pytest.approx([0.5, 0.3, 0.2, 0.0], abs=0.01)
    assert drawn[:, 0].std() == pytest.approx(math.sqrt(0.25 / 101), rel=0.1)
    assert (mcda.sample_weights([0, 1], samples=3) == [[0, 1]] * 3).all()
    with pytest.raises(ValueError, match="concentration"):
        mcda.sample_weights([0.5, 0.5], concentration=0)
    with pytest.raises(ValueError, match="samples"):
        mcda.sample_weights([0.5, 0.5], samples=0)


def test_sensitivity_top_k_beyond_the_alternatives_counts_everyone() -> None:
    result = mcda.sensitivity(MATRIX, WEIGHTS, TYPES, samples=50, top_k=10)
    assert result.top_k == len(MATRIX)
    assert result.p_top_k.tolist() == [1.0] * len(MATRIX)


def test_weight_sweep_finds_where_the_leader_changes() -> None:
    sweep = mcda.weight_sweep([[1, 0], [0, 1]], [0.5, 0.5], [1, 1], 0, method="wsm", points=11)
    assert sweep.weight.tolist() == pytest.approx(np.linspace(0, 1, 11).tolist())
    assert sweep.weights.sum(axis=1) == pytest.approx(np.ones(11))
    assert sweep.scores.shape == (11, 2)
    # Below 0.5 alternative 1 leads; at 0.5 they tie and the first in input order leads.
    assert sweep.leaders.tolist() == [1] * 5 + [0] * 6
    assert sweep.changes == (mcda.LeaderChange(point=5, weight=0.5, previous=1, leader=0),)


def test_weight_sweep_scales_the_other_weights_proportionally() -> None:
    grid = mcda.sweep_weights([0.2, 0.6, 0.2], 1, points=3)
    np.testing.assert_allclose(grid, [[0.5, 0.0, 0.5], [0.25, 0.5, 0.25], [0, 1, 0]])
    grid = mcda.sweep_weights([0.0, 1.0, 0.0], 1, points=2)
    np.testing.assert_allclose(grid, [[0.5, 0.0, 0.5], [0, 1, 0]])
    with pytest.raises(ValueError, match="criterion 3 does not exist"):
        mcda.sweep_weights([0.5, 0.5, 0], 3)


# --- AHP -------------------------------------------------------------------------------------


def test_an_inconsistent_matrix_is_flagged_with_its_most_inconsistent_comparison() -> None:
    # Consistent for weights 8:4:2:1:2, except a[0][3] says 1/8 where 8 belongs. (With three
    # elements a single wrong judgement is spread evenly over all three pairs.)
    weights = np.array([8, 4, 2, 1, 2])
    pairwise = np.outer(weights, 1 / weights)
    pairwise[0, 3], pairwise[3, 0] = 1 / 8, 8
    result = mcda.ahp(pairwise)
    assert result.cr > mcda.CONSISTENCY_THRESHOLD
    assert not result.consistent
    worst = result.most_inconsistent
    assert worst is not None and (worst.row, worst.column) == (0, 3)
    assert worst.value == 0.125
    assert result.as_dict()["most_inconsistent"]["row"] == 0


def test_ahp_of_one_or_two_elements_is_consistent() -> None:
    assert mcda.ahp([[1]]).weights.tolist() == [1.0]
    two = mcda.ahp([[1, 3], [1 / 3, 1]])
    assert two.weights.tolist() == pytest.approx([0.75, 0.25])
    assert two.cr == 0.0 and two.ci == 0.0 and two.most_inconsistent is None


@pytest.mark.parametrize(
    ("pairwise", "message"),
    [
        ([[1, 2, 3], [0.5, 1, 2]], "square"),
        ([1, 2], "square"),
        ([[1, 2], [2, 1]], r"not reciprocal at row 0, column 1: a\[0\]\[1\] \* a\[1\]\[0\] = 4"),
        ([[1, 0], [0, 1]], r"pairwise\[0\]\[1\] \(row 0, column 1\) must be a positive number"),
        ([[1, -2], [-0.5, 1]], r"row 0, column 1\) must be a positive number, not -2"),
        ([[1, 10], [0.1, 1]], r"pairwise\[0\]\[1\] \(row 0, column 1\) = 10 is outside"),
        ([[1, 1 / 12], [12, 1]], r"row 0, column 1\) = 0.0833333 is outside Saaty's scale"),
        ([[2, 1], [1, 1]], r"pairwise\[0\]\[0\]|not reciprocal at row 0, column 0"),
        ([[1, "x"], [1, 1]], "square table of numbers"),
    ],
)
def test_bad_pairwise_matrices_are_refused_naming_row_and_column(
    pairwise: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        mcda.ahp(pairwise)


def test_entries_typed_to_three_decimals_pass_as_reciprocals() -> None:
    result = mcda.ahp([[1, 3, 9], [0.333, 1, 3], [0.111, 0.333, 1]])
    assert result.weights.tolist() == pytest.approx([9 / 13, 3 / 13, 1 / 13], abs=1e-3)


def test_random_index_tables_by_name_alias_and_interpolation() -> None:
    assert mcda.random_index_for(4) == 0.90
    assert mcda.random_index_for(4, "saaty-2005") == 0.89
    assert mcda.random_index_for(4, "donegan-dodd-1991") == 0.8286
    assert mcda.random_index_for(2, "saaty-2005") == 0.0
    assert mcda.random_index_for(22, "donegan-dodd") == pytest.approx(
        1.5371 + (1.5619 - 1.5371) * 2 / 5
    )
    with pytest.raises(ValueError, match="table 'saaty' stops at n = 15"):
        mcda.random_index_for(16)
    with pytest.raises(ValueError, match="random_index must be one of"):
        mcda.random_index_for(4, "alonso")


def test_pairwise_from_comparisons_builds_reciprocals_and_names_a_missing_pair() -> None:
    matrix = mcda.pairwise_from_comparisons(3, {(0, 1): 3, (0, 2): 5, (2, 1): 1 / 2})
    assert matrix[1, 0] == pytest.approx(1 / 3) and matrix[1, 2] == 2
    with pytest.raises(ValueError, match=r"no comparison for the pair \(1, 2\)"):
        mcda.pairwise_from_comparisons(3, {(0, 1): 3, (0, 2): 5})


# --- Properties ------------------------------------------------------------------------------

# Scores on a grid of tenths: rounding noise stays far below the gaps between them.
values = st.integers(min_value=0, max_value=10_000).map(lambda tenths: tenths / 10)


@st.composite
def problems(draw: st.DrawFn, min_rows: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = draw(st.integers(min_value=min_rows, max_value=7))
    columns = draw(st.integers(min_value=1, max_value=5))
    row = st.lists(values, min_size=columns, max_size=columns)
    matrix = np.array(draw(st.lists(row, min_size=rows, max_size=rows)))
    weights = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=columns, max_size=columns)))
    types = np.array(draw(st.lists(st.sampled_from([1, -1]), min_size=columns, max_size=columns)))
    return matrix, weights, types


def assert_same_order(before: np.ndarray, after: np.ndarray) -> None:
    """Every pair clearly ordered before is ordered the same way after."""
    gap = before[:, None] - before[None, :]
    clearly_ahead = gap > 1e-9
    assert (after[:, None] > after[None, :])[clearly_ahead].all()


SCALE_INVARIANT = [("topsis", "vector"), ("topsis", "minmax"), ("wsm", "vector"), ("wsm", "minmax")]


@pytest.mark.parametrize(("method", "normalization"), SCALE_INVARIANT)
@settings(max_examples=60, deadline=None)
@given(problem=problems(), column=st.integers(0, 4), factor=st.floats(0.01, 100))
def test_ranking_does_not_change_when_a_criterion_is_rescaled(
    method: str, normalization: str, problem: Any, column: int, factor: float
) -> None:
    matrix, weights, types = problem
    assume(column < matrix.shape[1])
    scaled = matrix.copy()
    scaled[:, column] *= factor
    before = mcda.rank(matrix, weights, types, method=method, normalization=normalization)
    after = mcda.rank(scaled, weights, types, method=method, normalization=normalization)
    assert after.scores == pytest.approx(before.scores, rel=1e-9, abs=1e-12)
    assert_same_order(before.scores, after.scores)


@pytest.mark.parametrize(("method", "normalization"), SCALE_INVARIANT)
@settings(max_examples=60, deadline=None)
@given(
    problem=problems(),
    which=st.integers(0, 6),
    gains=st.lists(st.floats(0, 50), min_size=5, max_size=5),
    strict=st.integers(0, 4),
)
def test_a_dominating_alternative_is_never_ranked_below_the_one_it_dominates(
    method: str, normalization: str, problem: Any, which: int, gains: list[float], strict: int
) -> None:
    matrix, weights, types = problem
    columns = matrix.shape[1]
    dominated = matrix[which % len(matrix)]
    gain = np.array(gains[:columns])
    gain[strict % columns] += 1.0  # better somewhere
    dominating = dominated + types * gain  # more of a benefit, less of a cost
    full = np.vstack([matrix, dominating])
    result = mcda.rank(full, weights, types, method=method, normalization=normalization)
    assert result.ranking[-1] <= result.ranking[which % len(matrix)]


saaty_values = st.sampled_from([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9])


@st.composite
def reciprocal_matrices(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(min_value=1, max_value=9))
    matrix = np.ones((n, n))
    for row in range(n):
        for column in range(row + 1, n):
            matrix[row, column] = draw(saaty_values)
            matrix[column, row] = 1 / matrix[row, column]
    return matrix


@settings(max_examples=100, deadline=None)
@given(pairwise=reciprocal_matrices())
def test_ahp_weights_are_positive_and_sum_to_one(pairwise: np.ndarray) -> None:
    result = mcda.ahp(pairwise)
    assert (result.weights > 0).all()
    assert result.weights.sum() == pytest.approx(1.0)
    assert result.lambda_max >= len(pairwise) - 1e-9
    assert result.cr >= 0


@settings(max_examples=100, deadline=None)
@given(raw=st.lists(st.floats(1.0, 9.0), min_size=2, max_size=12))
def test_a_consistent_matrix_gives_cr_zero_and_recovers_its_weights(raw: list[float]) -> None:
    weights = np.array(raw) / sum(raw)
    pairwise = np.outer(weights, 1 / weights)  # ratios stay within 1/9..9
    result = mcda.ahp(pairwise, random_index="donegan-dodd")
    assert result.cr == pytest.approx(0.0, abs=1e-9)
    assert result.lambda_max == pytest.approx(len(raw))
    assert result.weights == pytest.approx(weights, rel=1e-9)
    assert result.most_inconsistent is None


def test_vector_normalization_survives_scores_whose_squares_overflow() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        closeness = mcda.topsis([[1e200, 1], [3e200, 2]], [0.5, 0.5], [1, 1])
    assert closeness.tolist() == pytest.approx([0.0, 1.0])
