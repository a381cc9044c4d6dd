"""A mergeable quantile sketch (DDSketch, Masson et al., VLDB 2019) for waiting-time percentiles.

Why a sketch: window_metrics keeps p50/p90/p95 per 5-minute and hourly window, and the report needs
the same percentiles over a month. Percentiles do not add up, but sketches merge exactly: the sketch
of a month is the merge of its windows' sketches, identical to one built from every ticket. Each
value lands in bucket k = ceil(log_gamma(v)) with gamma = (1 + alpha) / (1 - alpha), so any quantile
is returned within relative error alpha of the true one (default 1%: a 30-minute p90 is right to 18 s).

Values below `min_indexable` (0 and sub-nanosecond waits) share one zero bucket. The number of
buckets is bounded: beyond `max_buckets` the lowest buckets are folded into the lowest kept one, which
costs accuracy only for the smallest values (never for p50-p95 of realistic waits, which span far
fewer than 2,048 buckets). The fold depends only on which buckets exist, so merge order never matters.

Only non-negative finite values are accepted: waits and service times are durations.
"""

from __future__ import annotations

import base64
import functools
import math
import struct
from collections.abc import Iterable
from fractions import Fraction

from pantau.errors import PantauError

FORMAT_VERSION = 1
DEFAULT_RELATIVE_ACCURACY = 0.01
DEFAULT_MAX_BUCKETS = 2048
DEFAULT_MIN_INDEXABLE = 1e-9

_MAGIC = b"PQ"
# magic, version, relative accuracy, min indexable, max buckets, zero count, sum, min, max
_HEADER = struct.Struct("<2sBddIQddd")


def nearest_rank(q: float, count: int) -> int:
    """The 1-based rank of the nearest-rank q-quantile of `count` sorted values: ceil(q x count), at least 1.

    Computed on the exact decimal of `q` (0.9 is 9/10, not 0.9000000000000000222), so that
    ceil(0.9 x 10) is 9 as DOMAIN.md means it, not 10 through floating-point error.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    numerator, denominator = _exact_share(q)
    return max(1, -(-numerator * count // denominator))


@functools.lru_cache(maxsize=256)
def _exact_share(q: float) -> tuple[int, int]:
    """`q` as the fraction of its decimal, cached: a window row asks for the same three on every update."""
    share = Fraction(repr(q)) if isinstance(q, float) else Fraction(q)
    return share.numerator, share.denominator


class SketchFormatError(PantauError, ValueError):
    """Bytes given to `QuantileSketch.from_bytes` are not a sketch this version can read.

    The message says what was wrong (magic, version, truncation); a stored sketch that fails here was
    written by a newer Pantau or damaged, so recompute the window from the tickets table.
    """


class QuantileSketch:
    """DDSketch with a zero bucket and a bounded, lowest-collapsing bucket store."""

    __slots__ = (
        "_bins",
        "_floor",
        "_ln_gamma",
        "_max",
        "_min",
        "_sum",
        "_zero",
        "alpha",
        "max_buckets",
        "min_indexable",
    )

    def __init__(
        self,
        relative_accuracy: float = DEFAULT_RELATIVE_ACCURACY,
        max_buckets: int = DEFAULT_MAX_BUCKETS,
        min_indexable: float = DEFAULT_MIN_INDEXABLE,
    ) -> None:
        if not 0.0 < relative_accuracy < 1.0:
            raise ValueError(f"relative_accuracy must be in (0, 1), got {relative_accuracy}")
        if max_buckets < 1:
            raise ValueError(f"max_buckets must be at least 1, got {max_buckets}")
        if not min_indexable > 0.0:
            raise ValueError(f"min_indexable must be positive, got {min_indexable}")
        self.alpha = relative_accuracy
        self.max_buckets = max_buckets
        self.min_indexable = min_indexable
        self._ln_gamma = math.log((1.0 + relative_accuracy) / (1.0 - relative_accuracy))
        self._bins: dict[int, int] = {}
        self._floor: int | None = None  # set once buckets were collapsed: lower keys fold into it
        self._zero = 0
        self._sum = 0.0
        self._min = math.inf
        self._max = -math.inf

    # -- reading ---------------------------------------------------------------------------------

    @property
    def count(self) -> int:
        """Number of values added (minus those removed)."""
        return self._zero + sum(self._bins.values())

    @property
    def sum(self) -> float:
        """Sum of the values, exact up to floating-point rounding."""
        return self._sum

    @property
    def mean(self) -> float | None:
        """Exact mean, or None when empty."""
        count = self.count
        return self._sum / count if count else None

    @property
    def min(self) -> float | None:
        """Smallest value added (a lower bound after `remove`), or None when empty."""
        return self._min if self.count else None

    @property
    def max(self) -> float | None:
        """Largest value added (an upper bound after `remove`), or None when empty."""
        return self._max if self.count else None

    @property
    def bucket_count(self) -> int:
        """Non-empty buckets, not counting the zero bucket; never above `max_buckets`."""
        return len(self._bins)

    def buckets(self) -> dict[int, int]:
        """A copy of the bucket store (index -> count), with the zero bucket under no key."""
        return dict(self._bins)

    @property
    def zero_count(self) -> int:
        """Values below `min_indexable` (reported as 0)."""
        return self._zero

    def quantile(self, q: float) -> float | None:
        """The nearest-rank q-quantile (0 <= q <= 1) within relative error alpha, or None when empty.

        It estimates the value of rank `nearest_rank(q, count)` in sorted order (DOMAIN.md: the p90
        of {32, 40} is 40), clamped to [min, max] so q=0 and q=1 are exact.
        """
        if not 0.0 <= q <= 1.0:
            raise ValueError(f"quantile must be in [0, 1], got {q}")
        count = self.count
        if count == 0:
            return None
        rank = nearest_rank(q, count)
        cumulative = self._zero
        value = 0.0
        if cumulative < rank:
            for key in sorted(self._bins):
                cumulative += self._bins[key]
                if cumulative >= rank:
                    value = self._representative(key)
                    break
        return min(max(value, self._min), self._max)

    def quantiles(self, qs: Iterable[float]) -> list[float | None]:
        """Several quantiles at once, in the order asked."""
        return [self.quantile(q) for q in qs]

    # -- writing ---------------------------------------------------------------------------------

    def add(self, value: float, count: int = 1) -> None:
        """Add a non-negative value `count` times."""
        self._check_value(value)
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        if value < self.min_indexable:
            self._zero += count
        else:
            key = self._key(value)
            self._bins[key] = self._bins.get(key, 0) + count
            self._collapse()
        self._sum += value * count
        self._min = min(self._min, value)
        self._max = max(self._max, value)

    def remove(self, value: float, count: int = 1) -> None:
        """Take back a value added earlier (a revised ticket fact); min and max become bounds.

        Raises ValueError when the value's bucket holds fewer than `count` values: removing what was
        never added is a bug in the caller, and silently ignoring it would skew every percentile.
        """
        self._check_value(value)
        if value < self.min_indexable:
            if self._zero < count:
                raise ValueError(f"cannot remove {value}: not in the sketch")
            self._zero -= count
        else:
            key = self._key(value)
            held = self._bins.get(key, 0)
            if held < count:
                raise ValueError(f"cannot remove {value}: not in the sketch")
            if held == count:
                del self._bins[key]
            else:
                self._bins[key] = held - count
        self._sum -= value * count
        if self.count == 0:
            self._sum, self._min, self._max = 0.0, math.inf, -math.inf

    def set_exact_sum(self, total: float) -> None:
        """Replace the running float sum by one the caller knows exactly.

        A float sum depends on the order of its terms in its last bits, and so would the sketch's
        bytes; a caller that sums exactly (window waits in integer microseconds) sets it here, so
        the same values give the same bytes in any order.
        """
        self._sum = total if self.count else 0.0

    def merge(self, other: QuantileSketch) -> None:
        """Add every value of `other` to this sketch, as if they had been added one by one."""
        if not math.isclose(other.alpha, self.alpha, rel_tol=1e-12, abs_tol=0.0) or (
            other.min_indexable != self.min_indexable
        ):
            raise ValueError(
                f"cannot merge sketches of different accuracy ({self.alpha} vs {other.alpha}) "
                f"or zero threshold ({self.min_indexable} vs {other.min_indexable})"
            )
        if other._floor is not None and (self._floor is None or other._floor > self._floor):
            self._floor = other._floor
            self._fold_below(other._floor)
        for key, held in other._bins.items():
            key = self._floored(key)
            self._bins[key] = self._bins.get(key, 0) + held
        self._collapse()
        self._zero += other._zero
        self._sum += other._sum
        self._min = min(self._min, other._min)
        self._max = max(self._max, other._max)

    def copy(self) -> QuantileSketch:
        """An independent copy."""
        clone = QuantileSketch(self.alpha, self.max_buckets, self.min_indexable)
        clone.merge(self)
        return clone

    # -- serialization ---------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """Compact, versioned binary form: a fixed header, then bucket keys as deltas and counts as varints.

        A typical window of a few dozen waits takes well under 200 bytes.
        """
        out = bytearray(
            _HEADER.pack(
                _MAGIC,
                FORMAT_VERSION,
                self.alpha,
                self.min_indexable,
                self.max_buckets,
                self._zero,
                self._sum,
                self._min,
                self._max,
            )
        )
        if self._floor is None:
            out.append(0)
        else:
            out.append(1)
            _write_varint(out, _zigzag(self._floor))
        keys = sorted(self._bins)
        _write_varint(out, len(keys))
        previous = 0
        for index, key in enumerate(keys):
            _write_varint(out, _zigzag(key) if index == 0 else key - previous)
            _write_varint(out, self._bins[key])
            previous = key
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes) -> QuantileSketch:
        """Read a sketch written by `to_bytes`; raises SketchFormatError on anything else."""
        if len(data) < _HEADER.size + 2:
            raise SketchFormatError(f"sketch too short: {len(data)} bytes")
        magic, version, alpha, min_indexable, max_buckets, zero, total, low, high = _HEADER.unpack_from(data)
        if magic != _MAGIC:
            raise SketchFormatError(f"not a Pantau quantile sketch (magic {magic!r})")
        if version != FORMAT_VERSION:
            raise SketchFormatError(f"sketch format version {version} is not readable (this Pantau reads 1)")
        try:
            sketch = cls(alpha, max_buckets, min_indexable)
            position = _HEADER.size
            has_floor = data[position]
            position += 1
            if has_floor:
                floor, position = _read_varint(data, position)
                sketch._floor = _unzigzag(floor)
            size, position = _read_varint(data, position)
            key = 0
            for index in range(size):
                delta, position = _read_varint(data, position)
                key = _unzigzag(delta) if index == 0 else key + delta
                held, position = _read_varint(data, position)
                sketch._bins[key] = held
        except (IndexError, ValueError) as exc:
            raise SketchFormatError(f"damaged sketch: {exc}") from None
        if position != len(data):
            raise SketchFormatError(f"damaged sketch: {len(data) - position} trailing bytes")
        sketch._zero, sketch._sum, sketch._min, sketch._max = zero, total, low, high
        return sketch

    def to_base64(self) -> str:
        """`to_bytes` as ASCII text, for rows that travel as JSON to a ClickHouse String column."""
        return base64.b64encode(self.to_bytes()).decode("ascii")

    @classmethod
    def from_base64(cls, text: str) -> QuantileSketch:
        """Read a sketch written by `to_base64`."""
        try:
            data = base64.b64decode(text.encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError) as exc:
            raise SketchFormatError(f"sketch text is not base64: {exc}") from None
        return cls.from_bytes(data)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QuantileSketch):
            return NotImplemented
        return (
            self.alpha == other.alpha
            and self.min_indexable == other.min_indexable
            and self._bins == other._bins
            and self._zero == other._zero
            and self._sum == other._sum
            and (self.count == 0 or (self._min, self._max) == (other._min, other._max))
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"QuantileSketch(alpha={self.alpha}, count={self.count}, buckets={len(self._bins)})"

    # -- internals -------------------------------------------------------------------------------

    def _check_value(self, value: float) -> None:
        if not math.isfinite(value) or value < 0.0:
            raise ValueError(f"sketch values must be finite and non-negative, got {value}")

    def _key(self, value: float) -> int:
        return self._floored(math.ceil(math.log(value) / self._ln_gamma))

    def _floored(self, key: int) -> int:
        return key if self._floor is None or key >= self._floor else self._floor

    def _representative(self, key: int) -> float:
        # The bucket covers (gamma^(k-1), gamma^k]; this point is within alpha of both ends.
        gamma = math.exp(self._ln_gamma)
        return 2.0 * math.exp(key * self._ln_gamma) / (gamma + 1.0)

    def _collapse(self) -> None:
        if len(self._bins) <= self.max_buckets:
            return
        keys = sorted(self._bins)
        floor = keys[len(keys) - self.max_buckets]
        self._floor = floor
        self._fold_below(floor)

    def _fold_below(self, floor: int) -> None:
        folded = 0
        for key in [key for key in self._bins if key < floor]:
            folded += self._bins.pop(key)
        if folded:
            self._bins[floor] = self._bins.get(floor, 0) + folded


def _zigzag(value: int) -> int:
    return value * 2 if value >= 0 else -value * 2 - 1


def _unzigzag(value: int) -> int:
    return value // 2 if value % 2 == 0 else -(value + 1) // 2


def _write_varint(out: bytearray, value: int) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def _read_varint(data: bytes, position: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, position
        shift += 7
        if shift > 63:
            raise ValueError("varint longer than 64 bits")
