"""NaN-gapped streams: finite runs, packing, outlier first sample, unit inference, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from marsound.errors import FileFormatError
from marsound.recordings.gaps import gap_windows, infer_unit, load_gapped, repair_first_sample, scan_finite_runs


def _blocks(x, n):
    return (x[i : i + n] for i in range(0, x.size, n))


def _gapped(rng, n_windows=5, win=600, period=3330, tail=500):
    x = np.full(period * (n_windows - 1) + win + tail, np.nan, np.float32)
    for k in range(n_windows):
        x[k * period : k * period + win] = np.round(1880 + 20 * rng.standard_normal(win))
    return x


@pytest.mark.parametrize("block", [1, 7, 600, 3330, 10**6])
def test_runs_independent_of_block_size(rng, block):
    x = _gapped(rng)
    runs, n = scan_finite_runs(_blocks(x, block))
    assert n == x.size
    assert runs.tolist() == [[k * 3330, k * 3330 + 600] for k in range(5)]


def test_packing_keeps_samples_and_true_starts(rng):
    x = _gapped(rng)
    x[0] = 1500.0  # isolated outlier first sample (19 sigma)
    runs, n = scan_finite_runs(_blocks(x, 1000))
    lay = gap_windows(runs, n)
    packed, repaired = load_gapped(_blocks(x, 777), lay)
    assert lay.windows.tolist() == [[k * 600, (k + 1) * 600] for k in range(5)]
    assert repaired == [0] and packed[0] == x[1]
    np.testing.assert_array_equal(packed[1:], x[np.isfinite(x)][1:])
    assert infer_unit(packed) == "count"


def test_short_stray_runs_dropped(rng):
    x = _gapped(rng)
    x[2000:2003] = 5.0  # three stray finite values inside a gap
    lay = gap_windows(*scan_finite_runs([x]))
    assert len(lay.runs) == 5 and lay.n_dropped_runs == 1


def test_all_nan_and_nearly_all_nan_refused():
    with pytest.raises(FileFormatError, match="no finite sample"):
        gap_windows(*scan_finite_runs([np.full(1000, np.nan)]))
    x = np.full(100_000, np.nan)
    x[10:500] = 1.0  # 0.49 % finite
    with pytest.raises(FileFormatError, match="nearly all NaN"):
        gap_windows(*scan_finite_runs([x]))
    x = np.full(1000, np.nan)
    x[::2] = 1.0  # half finite but never more than one sample in a row
    with pytest.raises(FileFormatError, match="nearly all NaN"):
        gap_windows(*scan_finite_runs([x]))


def test_inf_is_corruption_not_a_gap():
    x = np.zeros(100)
    x[40] = np.inf
    with pytest.raises(FileFormatError, match="infinite sample at frame 40"):
        scan_finite_runs([x])


def test_first_sample_kept_when_not_an_outlier(rng):
    y = np.cumsum(rng.standard_normal(6000))
    first = y[0]
    assert not repair_first_sample(y) and y[0] == first


def test_unit_inference():
    assert infer_unit(np.array([1479.0, 1880.0, 2247.0])) == "count"
    assert infer_unit(np.array([0.1, -0.2, 0.3])) is None  # Pa-like
    assert infer_unit(np.array([-3.0, 5.0])) is None  # signed
    assert infer_unit(np.array([100.0, 40_000.0])) is None  # beyond 12 bits
