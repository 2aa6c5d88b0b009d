"""Classify each gore as red or white, softly.

Input: the chroma and log brightness of ~50 samples per gore and ring position; output
P(red) per gore, with erasures (P = 0.5) where occluders leave too little to see. The
constants were measured on the benchmark's rendered canopies (``benchmarks/bench_chute.py``)
as their docstrings say.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from marsound.chute.polar import project

WHITE_RED_RATE = 0.01
"""Fraction of a white gore's samples that look red next to a red gore (misregistration, bleeding)."""


WHITE_RED_RATE_ISOLATED = 0.001
"""The same between two white-looking gores. On the benchmark's medium and hard images (seeds
1 and 2), none of 10,914 such white gores had more than 5 % red samples; 0.6 % of the white
gores next to a red one did."""


WHITE_BRIGHTNESS_RATIO = 1.6
"""A white-class sample more than this factor darker or brighter than its ring's white median is
dropped: whites are evenly lit within a ring, and a dark occluder (the backshell, a strap) can
have the bluish-grey chroma of up-look whites but not their brightness."""


RED_BRIGHTNESS_RATIO = 2.2
"""The same for red-class samples (red fabric shades more across a ring)."""


DARK_RED_MIDPOINT = 0.3
"""Red/white chroma midpoint (0 = the ring's white, 1 its red) for samples darker than the
ring's whites by :data:`WHITE_BRIGHTNESS_RATIO`, i.e. fabric partly under a dark line or
occluder, instead of 0.5. Mixing with grey pulls red towards neutral but never white towards
red, except at the side of a red neighbour (blur, JPEG chroma): samples on that half of the
gore keep 0.5. Benchmark seeds 1-3 give the same results for 0.25-0.35."""


MIN_VALID_SAMPLES = 3
"""A gore with fewer usable samples is an erasure (P = 0.5). A few white samples in a gore
mostly under a dark occluder still say "white": red fabric does not turn neutral when partly
covered. With 2 samples seed 2 gets a confidently wrong decode (a red gore read white from
line-covered samples); 3 (and 6 before) do not."""


EFFECTIVE_SAMPLES = 16.0
"""Independent looks per gore: the samples of one gore are correlated (blur, JPEG blocks)."""
INITIAL_SPLIT_PERCENTILES = (3, 97)
"""The first red/white split is halfway between these percentiles of the gore medians'
projection: robust to a few glints, and to very unequal classes (long red fill blocks)."""
DISCRIMINANT_ITERATIONS = 8
"""Iterations of the two-class linear discriminant (it converges in 2-4 on benchmark images)."""
MIN_CHROMA_SPREAD = 0.06
"""Floor on the robust spread of gore medians along the red-white axis (fraction of the
red-white distance): keeps the soft classifier from turning hard on a noise-free drawing."""
OFF_AXIS_LIMIT = 0.6
"""Samples farther than this (in red-white distances) off the red-white chroma line are
neither colour (lines, occluders, glints) and are dropped."""
AXIS_RANGE = (-0.8, 1.8)
"""Accepted position along the red-white axis (0 white, 1 red); beyond is neither colour."""
OCCLUDED_P_RED = 0.35
"""P(red) of a gore hidden by a whitish occluder in front of the gap (the bridle): unknown, but
tilted towards white as gores are (61 % of Perseverance's 320, and every separator): a weak
reading the grammar and the dictionary can override, never a confident one."""
LOCAL_BRIGHTNESS_GORES = 8
"""Half-width (gores) of the neighbourhood whose median brightness a sample is compared with:
real canopies are lit unevenly (on NASA's up-look frame the sunlit whites of one side are over
1.6 times brighter than the shaded whites of the other), but evenly over ±36°."""
MIN_CLASS_SAMPLES = 20
"""Samples of a class needed in a ring before its brightness median is trusted."""
NEIGHBOUR_RED_FRACTION = 0.15
"""A gore with fewer red samples than this counts as white-looking when its neighbours are judged."""
FULLY_RED_FRACTION = 0.85
"""A gore with more red samples than this counts as fully visible red (the ring's visible share)."""
VISIBLE_RED_PRIOR = (20.0, 1.0)
"""Beta prior of the red fraction of a fully visible red gore (mean 0.95)."""
VISIBLE_SHARE_RANGE = (0.5, 0.995)
"""Bounds of the measured share of fully visible red gores in a ring (0.8 when under 5 reddish gores)."""
MAX_LOG_ODDS = 8.0
"""Largest |log-odds| a gore's evidence may reach (P within 3e-4 of 0 or 1): samples of a
gore are correlated, so no single gore is ever certain."""


def _brightness_reference(logL: NDArray[np.float64], sel: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Median log brightness of the selected samples of a ring (80, samples), per gore over its
    ±:data:`LOCAL_BRIGHTNESS_GORES` neighbours where they hold :data:`MIN_CLASS_SAMPLES`, else over
    the ring; shape (80, 1)."""
    ring = float(np.median(logL[sel]))
    n_g = logL.shape[0]
    vals = np.where(sel, logL, np.nan)
    idx = (np.arange(n_g)[:, None] + np.arange(-LOCAL_BRIGHTNESS_GORES, LOCAL_BRIGHTNESS_GORES + 1)[None]) % n_g
    win = vals[idx].reshape(n_g, -1)
    enough = np.sum(np.isfinite(win), axis=1) >= MIN_CLASS_SAMPLES
    local = np.full(n_g, ring)
    if np.any(enough):
        local[enough] = _row_nanmedian(win[enough])
    return local[:, None]


def _row_nanmedian(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """``np.nanmedian(a, axis=1)`` for rows holding at least one finite value, by one sort
    (NaN sorts last): numpy's own is many times slower on many short rows."""
    s = np.sort(a, axis=1)
    k = np.sum(np.isfinite(a), axis=1)
    rows = np.arange(len(a))
    return 0.5 * (s[rows, (k - 1) // 2] + s[rows, k // 2])


def classify_gores(
    X: NDArray[np.float64],
    logL: NDArray[np.float64],
    columns: int | None = None,
    suspect: NDArray[np.bool_] | None = None,
    glare: NDArray[np.bool_] | None = None,
    outside: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.float64], int]:
    """Soft classification of per-gore samples into P(red).

    Parameters
    ----------
    X : ndarray (rings, 80, samples, 2)
        Chroma of every sample (:func:`marsound.chute.polar.chroma`).
    logL : ndarray (rings, 80, samples)
        Log brightness of every sample.
    columns : int, optional
        Number of angular columns of the per-gore sample grid (samples ordered radius-major,
        columns in the gore-index direction), so that samples next to a red neighbour are
        known. None: every sample counts as central.
    suspect : ndarray of bool (rings, 80, samples), optional
        Samples that look like an occluder seen in front of the gap (the bridle, a strut):
        white-looking ones there are no evidence of white (occluders are never red, so red
        samples still count). A gore left with too few usable samples gets
        :data:`OCCLUDED_P_RED` instead of 0.5.
    glare : ndarray of bool (rings, 80, samples), optional
        Samples with every channel near saturation: white fabric in the sun's glare (its bluish
        tint clipped away; red fabric never clips in green and blue). They count as white.
    outside : ndarray of bool (rings, 80, samples), optional
        Samples that fall outside the picture (a canopy partly out of frame): no evidence at
        all. They take no part in the colour classes, and a gore left with fewer than
        :data:`MIN_VALID_SAMPLES` samples inside the picture is an erasure (P = 0.5).

    Returns
    -------
    p_red : ndarray (rings, 80)
    erased : int
        Gores with fewer than :data:`MIN_VALID_SAMPLES` usable samples (P = 0.5).

    Notes
    -----
    The two colour classes come from per-gore medians (iterated linear discriminant; red is
    the class with the larger log(R/G)). Each sample then gets a soft red/white probability;
    samples whose chroma lies off the red-white line or whose brightness fits neither class
    in its ring (dark lines, occluders, glints) are dropped: within :data:`WHITE_BRIGHTNESS_RATIO`
    of the ring's white median for white-looking samples, :data:`RED_BRIGHTNESS_RATIO` for red.
    Samples darker than the whites are red from :data:`DARK_RED_MIDPOINT` of the way to red on.

    The gore decision is deliberately asymmetric, because what covers a gore is grey or dark
    (suspension lines, straps, the backshell), never red: a red gore may show any fraction
    ``a`` of red samples (a mixture of "fully visible", ``a ~ Beta(20, 1)``, and "partly hidden",
    ``a`` uniform), a white gore shows red
    samples only at a small rate (:data:`WHITE_RED_RATE` next to a red-looking gore,
    :data:`WHITE_RED_RATE_ISOLATED` between two white-looking ones). The evidence is the ratio of the
    two marginal likelihoods of the (soft) sample counts, scaled to
    :data:`EFFECTIVE_SAMPLES` independent looks.
    """
    from scipy.special import betaln

    shape = X.shape[:2]
    in_pic = np.ones(X.shape[:3], dtype=bool) if outside is None else ~outside
    seen = in_pic.sum(axis=2) >= MIN_VALID_SAMPLES  # (rings, 80): gores inside the picture
    if outside is None or in_pic.all():
        med = np.median(X, axis=2)  # (rings, 80, 2)
    else:  # medians of the samples inside the picture (NaN sorts last)
        s_x = np.sort(np.where(in_pic[..., None], X, np.nan), axis=2)
        k_in = np.maximum(in_pic.sum(axis=2), 1)[..., None, None]
        lo_i, hi_i = (k_in - 1) // 2, k_in // 2
        med = 0.5 * (np.take_along_axis(s_x, lo_i, 2) + np.take_along_axis(s_x, hi_i, 2))[:, :, 0]
        med = np.where(seen[..., None], med, 0.0)
    flat_all = med.reshape(-1, 2)
    flat = flat_all[seen.ravel()]
    if len(flat) < 4:
        return np.full(shape, 0.5), shape[0] * shape[1]
    axis_vals = flat[:, 0] - 0.3 * flat[:, 1]
    lo_v, hi_v = np.percentile(axis_vals, INITIAL_SPLIT_PERCENTILES)
    lab = axis_vals > 0.5 * (lo_v + hi_v)  # classes may be very unequal (long fill blocks)
    for _ in range(DISCRIMINANT_ITERATIONS):
        if lab.sum() < 2 or (~lab).sum() < 2:
            break
        mr, mw = flat[lab].mean(0), flat[~lab].mean(0)
        cov = (np.cov((flat[lab] - mr).T) * lab.sum() + np.cov((flat[~lab] - mw).T) * (~lab).sum()) / len(flat)
        cov += np.eye(2) * 1e-4
        w = np.linalg.inv(cov) @ (mr - mw)
        new = flat[:, 0] * w[0] + flat[:, 1] * w[1] - 0.5 * (mr + mw) @ w > 0
        if np.array_equal(new, lab):
            break
        lab = new
    if lab.sum() < 2 or (~lab).sum() < 2:
        return np.full(shape, 0.5), shape[0] * shape[1]
    mr, mw = np.median(flat[lab], axis=0), np.median(flat[~lab], axis=0)
    if mr[0] < mw[0]:
        lab = ~lab
        mr, mw = mw, mr
    d = mr - mw
    dd = max(float(d @ d), 1e-9)
    tr = project(flat[lab], mw, d) / dd  # 0 at the white centre, 1 at the red centre
    tw = project(flat[~lab], mw, d) / dd
    t = project(flat_all, mw, d) / dd
    sig = 1.4826 * np.median(np.abs(np.concatenate([tr - np.median(tr), tw - np.median(tw)])))
    sig = max(sig, MIN_CHROMA_SPREAD)
    gain = 0.5 / sig**2
    ts = project(X, mw, d) / dd  # (rings, 80, samples)

    def soft_red(ts_: NDArray[np.float64], midpoint: float) -> NDArray[np.float64]:
        return 1.0 / (1.0 + np.exp(-np.clip(gain * (ts_ - midpoint), -30.0, 30.0)))

    s_red = soft_red(ts, 0.5)
    # samples that are neither: off the red-white chroma line, or too dark / bright for their class
    perp = X - (mw + ts[..., None] * d)
    valid = (np.linalg.norm(perp, axis=-1) / np.sqrt(dd) < OFF_AXIS_LIMIT) & (ts > AXIS_RANGE[0]) & (ts < AXIS_RANGE[1])
    valid &= in_pic
    # a sample darker than its ring's whites is fabric partly under something dark: mixing with
    # grey pulls red towards neutral but never white towards red, so a lower chroma threshold
    n_s = X.shape[2]
    if columns:
        # blur and JPEG chroma carry a red neighbour's colour into the dark samples at that side
        col = np.arange(n_s) % columns
        red_gore = t.reshape(shape) > 0.5
        near_left = col < columns // 2 + (columns % 2)
        near_right = col >= columns // 2
        left_red = np.roll(red_gore, 1, axis=1)[..., None]
        right_red = np.roll(red_gore, -1, axis=1)[..., None]
        central = ~((left_red & near_left) | (right_red & near_right))
    else:
        central = np.ones(X.shape[:3], dtype=bool)
    for k in range(shape[0]):
        wsel = (s_red[k] <= 0.5) & valid[k]
        if wsel.sum() >= MIN_CLASS_SAMPLES:
            dark = central[k] & (logL[k] < _brightness_reference(logL[k], wsel) - np.log(WHITE_BRIGHTNESS_RATIO))
            s_red[k] = np.where(dark, soft_red(ts[k], DARK_RED_MIDPOINT), s_red[k])
    for k in range(shape[0]):
        for cls, ratio in ((s_red[k] > 0.5, RED_BRIGHTNESS_RATIO), (s_red[k] <= 0.5, WHITE_BRIGHTNESS_RATIO)):
            sel = cls & valid[k]
            if sel.sum() >= MIN_CLASS_SAMPLES:
                m = _brightness_reference(logL[k], sel)
                valid[k] &= ~(cls & (np.abs(logL[k] - m) > np.log(ratio)))
    if glare is not None:
        valid |= glare
        s_red = np.where(glare, 0.0, s_red)
    valid &= in_pic
    hidden = np.zeros(shape, dtype=bool)
    if suspect is not None:
        before = valid.sum(axis=2)
        valid &= ~(suspect & (s_red <= 0.5))
        hidden = (valid.sum(axis=2) < MIN_VALID_SAMPLES) & (before >= MIN_VALID_SAMPLES)
    n_valid = valid.sum(axis=2)
    raw_r = (s_red * valid).sum(axis=2)
    frac = raw_r / np.maximum(n_valid, 1)
    scale = EFFECTIVE_SAMPLES / n_s
    n_r = raw_r * scale
    n_w = (n_valid - raw_r) * scale
    # red samples in a white gore bleed in from a red neighbour (blur, JPEG chroma, registration);
    # between two white-looking gores they are far rarer
    white_look = frac < NEIGHBOUR_RED_FRACTION
    isolated = np.roll(white_look, 1, axis=1) & np.roll(white_look, -1, axis=1)
    b = np.where(isolated, WHITE_RED_RATE_ISOLATED, WHITE_RED_RATE)
    log_white = n_r * np.log(b) + n_w * np.log1p(-b)
    # red: a mixture of "fully visible" (a ~ Beta(20, 1)) and "partly hidden" (a uniform);
    # the share of fully visible red gores is measured per ring
    va, vb = VISIBLE_RED_PRIOR
    log_vis = betaln(n_r + va, n_w + vb) - betaln(va, vb)
    log_hid = betaln(n_r + 1.0, n_w + 1.0)
    llr = np.empty(shape)
    for k in range(shape[0]):
        reddish = frac[k] > NEIGHBOUR_RED_FRACTION
        pi = float(np.mean(frac[k][reddish] > FULLY_RED_FRACTION)) if reddish.sum() >= 5 else 0.8
        pi = min(max(pi, VISIBLE_SHARE_RANGE[0]), VISIBLE_SHARE_RANGE[1])
        log_red = np.logaddexp(np.log(pi) + log_vis[k], np.log1p(-pi) + log_hid[k])
        llr[k] = log_red - log_white[k]
    p = 1.0 / (1.0 + np.exp(-np.clip(llr, -MAX_LOG_ODDS, MAX_LOG_ODDS)))
    erased = valid.sum(axis=2) < MIN_VALID_SAMPLES
    p[erased] = 0.5
    p[erased & hidden] = OCCLUDED_P_RED
    return p, int(erased.sum())
