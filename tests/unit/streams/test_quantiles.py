"""The quantile sketch: within alpha of the exact quantile, merges like the union, round-trips as bytes."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.logic.quantiles import QuantileSketch, SketchFormatError, nearest_rank

ALPHA = 0.01
QS = (0.0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0)

waits = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False))
samples = st.lists(waits, min_size=1, max_size=300)


def sketch_of(values: list[float], **options: float) -> QuantileSketch:
    sketch = QuantileSketch(**options)  # type: ignore[arg-type]
    for value in values:
        sketch.add(value)
    return sketch


def exact_quantile(values: list[float], q: float) -> float:
    """Nearest rank, written out apart from the code: the smallest value with at least q of them at or below it."""
    ordered = sorted(values)
    for index, value in enumerate(ordered, start=1):
        if index >= q * len(ordered) - 1e-9:
            return value
    return ordered[-1]


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([32.0, 40.0], 0.9, 40.0),  # DOMAIN.md's example
        ([32.0, 40.0], 0.5, 32.0),
        ([1.0, 2.0, 3.0, 4.0], 0.5, 2.0),
        ([float(v) for v in range(1, 11)], 0.9, 9.0),  # ceil(0.9 x 10) = 9, not 10 through float error
        ([float(v) for v in range(1, 21)], 0.95, 19.0),
        ([7.0], 0.95, 7.0),
    ],
)
def test_nearest_rank_on_small_sets(values: list[float], q: float, expected: float) -> None:
    assert nearest_rank(q, len(values)) == values.index(expected) + 1
    estimate = sketch_of(values).quantile(q)
    assert estimate is not None and abs(estimate - expected) <= ALPHA * expected


@settings(max_examples=150, deadline=None)
@given(samples)
def test_every_quantile_is_within_alpha_of_the_exact_one(values: list[float]) -> None:
    sketch = sketch_of(values)

    for q in QS:
        estimate, exact = sketch.quantile(q), exact_quantile(values, q)
        assert estimate is not None
        assert abs(estimate - exact) <= ALPHA * exact * (1 + 1e-9), (q, estimate, exact)


@settings(max_examples=100, deadline=None)
@given(samples, samples, st.sampled_from([2048, 8]))
def test_merge_equals_the_sketch_of_the_union(left: list[float], right: list[float], max_buckets: int) -> None:
    merged = sketch_of(left, max_buckets=max_buckets)
    merged.merge(sketch_of(right, max_buckets=max_buckets))

    union = sketch_of(left + right, max_buckets=max_buckets)

    assert merged.buckets() == union.buckets()
    assert (merged.count, merged.zero_count, merged.min, merged.max) == (
        union.count,
        union.zero_count,
        union.min,
        union.max,
    )
    assert merged.sum == pytest.approx(union.sum)
    assert merged.quantiles(QS) == union.quantiles(QS)


@settings(max_examples=100, deadline=None)
@given(st.lists(waits, max_size=200))
def test_bytes_round_trip_gives_the_same_sketch(values: list[float]) -> None:
    sketch = sketch_of(values, max_buckets=16)

    restored = QuantileSketch.from_bytes(sketch.to_bytes())

    assert restored == sketch
    assert restored.to_bytes() == sketch.to_bytes()
    assert restored.quantiles(QS) == sketch.quantiles(QS)
    assert QuantileSketch.from_base64(sketch.to_base64()) == sketch


def test_a_window_of_waits_serializes_compactly() -> None:
    sketch = sketch_of([60.0 + 7.3 * i for i in range(100)])

    assert len(sketch.to_bytes()) < 400


def test_count_sum_mean_and_empty_sketch() -> None:
    sketch = sketch_of([0.0, 60.0, 120.0])
    empty = QuantileSketch()

    assert (sketch.count, sketch.sum, sketch.mean) == (3, 180.0, 60.0)
    assert sketch.quantile(0.0) == 0.0 and sketch.quantile(1.0) == 120.0
    assert (empty.count, empty.mean, empty.quantile(0.5), empty.min) == (0, None, None, None)


def test_zero_and_tiny_values_share_the_zero_bucket() -> None:
    sketch = sketch_of([0.0, 1e-12, 5.0])

    assert sketch.zero_count == 2
    assert sketch.quantile(0.5) == pytest.approx(1e-12, abs=1e-9)


def test_bucket_count_is_bounded_and_high_quantiles_stay_accurate() -> None:
    values = [1.0001**i for i in range(0, 200_000, 7)]  # spans ~1,400 default buckets
    sketch = sketch_of(values, max_buckets=64)

    assert sketch.bucket_count <= 64
    exact = exact_quantile(values, 0.99)
    assert sketch.quantile(0.99) == pytest.approx(exact, rel=ALPHA)


def test_remove_takes_a_value_back() -> None:
    sketch = sketch_of([10.0, 20.0, 30.0])

    sketch.remove(30.0)

    assert sketch.buckets() == sketch_of([10.0, 20.0]).buckets()
    assert (sketch.count, sketch.sum) == (2, 30.0)
    with pytest.raises(ValueError, match="not in the sketch"):
        sketch.remove(1000.0)


@pytest.mark.parametrize("value", [-1.0, math.nan, math.inf])
def test_only_finite_non_negative_values_are_accepted(value: float) -> None:
    with pytest.raises(ValueError, match="finite and non-negative"):
        QuantileSketch().add(value)


def test_merging_sketches_of_different_accuracy_is_refused() -> None:
    with pytest.raises(ValueError, match="different accuracy"):
        QuantileSketch(0.01).merge(QuantileSketch(0.02))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"XX" + bytes(60), "magic"),
        (b"PQ\x09" + bytes(60), "version 9"),
        (b"PQ", "too short"),
    ],
)
def test_foreign_or_damaged_bytes_are_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(SketchFormatError, match=message):
        QuantileSketch.from_bytes(data)


def test_truncated_bucket_data_is_refused() -> None:
    data = sketch_of([1.0, 2.0, 3.0]).to_bytes()

    with pytest.raises(SketchFormatError, match="damaged"):
        QuantileSketch.from_bytes(data[:-1])
