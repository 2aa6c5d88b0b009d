"""Decode ring bits (hard or soft) with unknown rotation and reading direction.

The decoder is a maximum-likelihood search over the small hypothesis space of the Mars 2020
parachute code (NASA/JPL-Caltech; cbuckowitz/mars2020-parachute-message transcription): reading
direction (clockwise / counter-clockwise,
which also covers a mirrored photo) × start gore (0 … 79) × number of symbols (1 … 8) × ring
kind (word, coordinates band, plain numbers). For each ring the log-likelihood of a parse is
``Σ log P(gore = bit)`` under the slot grammar (§1.3, §1.7): ``000``+value slots, then one
``0001111111`` first-fill slot and ``1111111111`` to the end. Kinds are compared by their
evidence (log-likelihood minus ``Σ log |allowed values|``, a minimum-description-length prior),
so a word needs no more bits than its letters. Rings share one direction; their starts follow
the spiral rule (§1.4) as a soft prior, solved jointly by dynamic programming over rings.

Confidences are posteriors under the model: per slot (best value vs the other allowed
values), per ring (chosen structure among all starts, lengths and kinds, times its slots) and
for the direction. They are calibrated per ring: the gore error rate is estimated from the
parse's separators and fill (gores the grammar fixes) and used instead of ``eps`` for that
ring's confidences, so a misregistered or badly measured ring cannot report near-certain
symbols even when its data bits look clean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from marsound.chute import spec
from marsound.chute.encode import KIND_COORDINATES, KIND_NUMBERS, KIND_WORD
from marsound.errors import InvalidParameterError

CLOCKWISE = "clockwise"
COUNTERCLOCKWISE = "counterclockwise"
MIN_RING_CONFIDENCE = 0.5
"""A ring is ``readable`` when its confidence reaches this."""
KIND_BLANK = "blank"

_N = spec.N_GORES
_S = spec.SLOTS_PER_RING
_V = spec.MAX_VALUE + 1
_BITS = ((np.arange(_V)[:, None] >> np.arange(spec.DATA_BITS - 1, -1, -1)[None, :]) & 1).astype(float)  # (128, 7)

_COORD_LIMITS = (90, 59, 59, None, 127, 59, 59, None)


def _allowed(kind: str) -> NDArray[np.bool_]:
    """(8, 128) mask of the values allowed in each slot for a ring kind."""
    m = np.zeros((_S, _V), dtype=bool)
    if kind == KIND_WORD:
        m[:, spec.LETTER_MIN : spec.LETTER_MAX + 1] = True
    elif kind == KIND_NUMBERS:
        m[:, :] = True
    elif kind == KIND_COORDINATES:
        for j, hi in enumerate(_COORD_LIMITS):
            if hi is not None:
                m[j, : hi + 1] = True
        m[3, list(spec.HEMISPHERES_LAT.values())] = True
        m[7, list(spec.HEMISPHERES_LON.values())] = True
    else:  # pragma: no cover - internal
        raise ValueError(kind)
    return m


_KINDS = (KIND_WORD, KIND_COORDINATES, KIND_NUMBERS)
_ALLOWED = {k: _allowed(k) for k in _KINDS}
_LOG_SIZE = {k: np.log(_ALLOWED[k].sum(axis=1)) for k in _KINDS}  # (8,) per-slot description cost
_KIND_PRIOR = {KIND_WORD: 0.0, KIND_COORDINATES: 0.0, KIND_NUMBERS: -3.0}
"""Log prior of a ring kind (nats): plain-number rings are rarer than words or a coordinates band."""
BAND_COORDINATES_PRIOR = 3.0
"""Log prior (nats) of the coordinates kind in a canopy's band (:func:`canopy_kind_priors`).

Coordinates whose fields are all 1-26 parse as an eight-letter word too, and the word's shorter
description wins by about 1 nat; in the Mars 2020 design (reference §1.5) the band carries the
coordinates. An eight-letter word in the band still decodes as a word unless its 4th and 8th
letters happen to be N/S and E/W (about 1 word in 170)."""


@dataclass
class DecodedRing:
    """One decoded ring.

    ``start`` is the gore (in the input's own numbering, 0 … 79, clockwise) of the first
    separator of the first symbol; ``bits`` are the 80 bits read from ``start`` in the reading
    direction (word-aligned, the layout of reference §1.6).
    """

    values: list[int]
    kind: str
    text: str
    start: int
    confidence: float
    slot_confidence: list[float]
    bits: str
    readable: bool
    log_likelihood: float = 0.0
    model_confidence: float | None = None
    """The decoder's own posterior when ``confidence`` was calibrated (images), else None."""


@dataclass
class Decoded:
    """A decoded message: rings innermost first, direction and overall confidence."""

    rings: list[DecodedRing]
    direction: str
    direction_confidence: float
    confidence: float
    ambiguities: list[str] = field(default_factory=list)
    model_confidence: float | None = None
    """The decoder's own posterior when ``confidence`` was calibrated (images), else None."""

    def to_json(self) -> dict:
        rings = []
        for r in self.rings:
            ring = {
                "values": r.values,
                "text": r.text,
                "kind": r.kind,
                "start": r.start,
                "confidence": round(r.confidence, 4),
                "readable": r.readable,
                "slot_confidence": [round(c, 4) for c in r.slot_confidence],
                "bits": r.bits,
            }
            if r.model_confidence is not None:
                ring["model_confidence"] = round(r.model_confidence, 4)
            rings.append(ring)
        out = {
            "rings": rings,
            "direction": self.direction,
            "direction_confidence": round(self.direction_confidence, 4),
            "confidence": round(self.confidence, 4),
            "ambiguities": self.ambiguities,
        }
        if self.model_confidence is not None:
            out["model_confidence"] = round(self.model_confidence, 4)
        return out

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.rings]


def ring_text(values: list[int], kind: str, slot_confidence: list[float] | None = None) -> str:
    """Human text: letters for a word, ``34 11 58 N 118 10 31 W`` for coordinates, numbers otherwise."""
    conf = slot_confidence or [1.0] * len(values)
    if kind == KIND_WORD:
        return "".join(chr(64 + v) if c >= 0.5 else "?" for v, c in zip(values, conf))
    parts = []
    for j, (v, c) in enumerate(zip(values, conf)):
        if c < 0.5:
            parts.append("?")
        elif kind == KIND_COORDINATES and j in (3, 7):
            parts.append(chr(64 + v))
        else:
            parts.append(str(v))
    return " ".join(parts)


def parse_bit_string(text: str, *, name: str = "bits") -> NDArray[np.float64]:
    """Turn an 80-character 0/1 or W/R string (spaces allowed; ``?`` = unknown) into P(red)."""
    s = "".join(text.split()).upper()
    table = {"0": 0.0, "1": 1.0, "W": 0.0, "R": 1.0, "?": 0.5, ".": 0.5}
    bad = sorted({c for c in s if c not in table})
    if bad:
        raise InvalidParameterError(f"{name}={text!r}: characters {bad} are not 0/1, W/R or ?")
    if len(s) != _N:
        raise InvalidParameterError(f"{name}={text!r} has {len(s)} gores; a ring has {_N}")
    return np.array([table[c] for c in s])


def _parse_tables(p: NDArray[np.float64], eps: float) -> dict[str, NDArray[np.float64]]:
    """Score tables for one ring read in one direction: index [start, n] (n = 1 … 8 → column n-1)."""
    pc = np.clip(p, eps, 1.0 - eps)
    l1 = np.log(pc)
    l0 = np.log1p(-pc)
    idx = (np.arange(_N)[:, None] + np.arange(_N)[None, :]) % _N  # [start, i]
    L1 = l1[idx].reshape(_N, _S, spec.SLOT_GORES)
    L0 = l0[idx].reshape(_N, _S, spec.SLOT_GORES)
    sep = L0[..., : spec.SEP_GORES].sum(-1)  # (80, 8)
    first_fill = sep + L1[..., spec.SEP_GORES :].sum(-1)
    fill = L1.sum(-1)
    d1 = L1[..., spec.SEP_GORES :]
    d0 = L0[..., spec.SEP_GORES :]
    # (80, 8, 128): log-likelihood of every value, built bit by bit from the MSB (value = 2 x
    # prefix + bit); no matrix product (BLAS wakes its thread pool for this small one)
    vals = np.zeros((*d1.shape[:2], 1))
    for b in range(spec.DATA_BITS):
        vals = np.stack([vals + d0[..., b : b + 1], vals + d1[..., b : b + 1]], axis=-1).reshape(*d1.shape[:2], -1)
    # fill part for n data slots: first-fill at slot n, fill after; n = 8 → 0
    fill_tail = np.zeros((_N, _S + 1))
    rev_cum = np.cumsum(fill[:, ::-1], axis=1)[:, ::-1]  # sum over j >= n
    for n in range(_S):
        after = rev_cum[:, n + 1] if n + 1 < _S else 0.0
        fill_tail[:, n] = first_fill[:, n] + after
    return {"sep": sep, "vals": vals, "fill_tail": fill_tail}


def canopy_kind_priors(n_rings: int) -> list[dict[str, float]]:
    """Per-ring log priors of the ring kinds for the ring positions of a canopy, innermost first.

    The disk rings have none; the band (position ``spec.N_DISK_RINGS``, the fourth) favours the
    coordinates kind by :data:`BAND_COORDINATES_PRIOR`. For :func:`decode_soft`'s ``kind_priors``.
    """
    return [{KIND_COORDINATES: BAND_COORDINATES_PRIOR} if k == spec.N_DISK_RINGS else {} for k in range(n_rings)]


def _kind_scores(
    t: dict[str, NDArray[np.float64]], kind: str, extra_prior: float = 0.0
) -> tuple[NDArray, NDArray, NDArray]:
    """Return (score[start, n-1], best values[start, slot], log-likelihood[start, n-1])."""
    allowed = _ALLOWED[kind]
    masked = np.where(allowed[None], t["vals"], -np.inf)
    best_v = masked.argmax(-1)  # (80, 8)
    best_ll = masked.max(-1) + t["sep"]  # (80, 8)
    cum = np.cumsum(best_ll, axis=1)  # data LL for n = 1..8
    ll = cum + t["fill_tail"][:, 1:]  # n data slots then fill (n = 8: no fill)
    prior = -np.cumsum(_LOG_SIZE[kind])[None, :] + _KIND_PRIOR[kind] + extra_prior
    score = ll + prior
    if kind == KIND_COORDINATES:
        score[:, :-1] = -np.inf
        ll = ll.copy()
        ll[:, :-1] = -np.inf
    return score, best_v, ll


def _slot_posteriors(vals_row: NDArray, allowed: NDArray, n: int) -> list[float]:
    out = []
    for j in range(n):
        v = np.where(allowed[j], vals_row[j], -np.inf)
        m = v.max()
        w = np.exp(v - m)
        out.append(float(1.0 / w.sum()))
    return out


def _structure_misses(p_read: NDArray[np.float64], start: int, values: list[int]) -> tuple[float, int]:
    """Disagreement of a ring's measurement with the gores its parse fixes.

    ``p_read`` is P(red) in reading order. The separators of every symbol and the fill after
    the last one are fixed by the parse, so their disagreement with the measurement
    (``Σ |p - bit|``, soft) counts the flips among them, independently of the data bits (which
    the parse fits to the measurement and so cannot check). Returns (soft flips, gores checked).
    """
    expected = np.zeros(_N)
    data = np.zeros(_N, dtype=bool)
    pos = 0
    for v in values:
        expected[pos + spec.SEP_GORES : pos + spec.SLOT_GORES] = _BITS[v]
        data[pos + spec.SEP_GORES : pos + spec.SLOT_GORES] = True
        pos += spec.SLOT_GORES
    if pos < _N:
        expected[pos + spec.SEP_GORES :] = 1.0
    idx = (start + np.arange(_N)) % _N
    q = p_read[idx]
    checked = ~data
    return float(np.abs(q[checked] - expected[checked]).sum()), int(checked.sum())


ERROR_PRIOR_FLIPS = 0.5
"""Beta prior of an image's gore error rate: this many pseudo-flips among ``ERROR_PRIOR_FLIPS /
eps`` pseudo-gores (prior mean ``eps``, the decoder's floor: 500 gores for images' 1e-3). With
~140 structural gores of four rings all read right the estimate stays near ``eps``; each flip
among them adds ~1.6e-3 (images)."""


def _ring_error_rates(counts: list[tuple[float, int]], eps: float) -> list[float]:
    """Gore error rate of every ring: the larger of the ring's own (flips among its structural
    gores) and the image's (all rings' structural gores, under the :data:`ERROR_PRIOR_FLIPS`
    prior); at least ``eps``.

    Data bits are flipped as often as structural ones by the measurement (a line, a shadow, a
    misregistered gore does not know which gore it hides), but nothing checks them: the
    structural flips of the whole image are evidence that a data bit of any ring may be wrong,
    and a ring's own ~30-50 structural gores rarely show one even when it is noisy.
    """
    flips = sum(c[0] for c in counts)
    gores = sum(c[1] for c in counts)
    q_img = (flips + ERROR_PRIOR_FLIPS) / (gores + ERROR_PRIOR_FLIPS / eps)
    return [max(eps, q_img, f / max(n, 1)) for f, n in counts]


def _logsumexp(a: NDArray) -> float:
    a = np.asarray(a, dtype=float).ravel()
    a = a[np.isfinite(a)]
    if a.size == 0:
        return -np.inf
    m = a.max()
    return float(m + np.log(np.exp(a - m).sum()))


def decode_soft(
    p_red: ArrayLike,
    *,
    eps: float = 1e-3,
    spiral_penalty: float = 3.0,
    first_start: int | None = None,
    blank_threshold: float | None = None,
    min_ring_confidence: float = MIN_RING_CONFIDENCE,
    kind_priors: Sequence[Mapping[str, float]] | None = None,
) -> Decoded:
    """Decode rings from per-gore probabilities of red.

    Parameters
    ----------
    p_red : array_like, shape (n_rings, 80)
        P(gore is red) per ring, innermost ring first, gores numbered clockwise (as seen from
        below for a canopy). 0.5 marks an unknown (erased) gore.
    eps : float
        Probabilities are clipped to ``[eps, 1 - eps]``: the cost of one flipped gore.
    spiral_penalty : float
        Log-likelihood cost (nats) of a ring whose start breaks the spiral rule.
    first_start : int, optional
        Weak preference (0.1 nat) for this start of the first ring, only to break exact ties
        (bit strings written with gore 0 at the first ring's start).
    blank_threshold : float, optional
        A ring whose gores are all below this P(red) is reported as ``blank`` (an unused ring
        position of a drawing) instead of being parsed.
    min_ring_confidence : float
        Rings below this confidence are flagged ``readable = False``.
    kind_priors : sequence of mapping, optional
        Per ring (as ``p_red``'s rows), extra log priors (nats) of ring kinds (``"word"``,
        ``"coordinates"``, ``"numbers"``) where the position says what a ring holds, e.g.
        :func:`canopy_kind_priors` for a canopy's three disk rings and band.

    Returns
    -------
    Decoded
    """
    p = np.asarray(p_red, dtype=float)
    if p.ndim == 1:
        p = p[None]
    if p.ndim != 2 or p.shape[1] != _N or p.shape[0] < 1:
        raise InvalidParameterError(f"p_red has shape {p.shape}; expected (n_rings, {_N})")
    if not np.all(np.isfinite(p)) or p.min() < 0 or p.max() > 1:
        raise InvalidParameterError("p_red must hold finite probabilities in [0, 1]")
    n_rings = p.shape[0]
    if kind_priors is not None and len(kind_priors) != n_rings:
        raise InvalidParameterError(f"kind_priors has {len(kind_priors)} entries for {n_rings} rings")
    extra = [dict(kind_priors[k]) if kind_priors is not None else {} for k in range(n_rings)]
    for e in extra:
        if set(e) - set(_KINDS) or not all(np.isfinite(v) for v in e.values()):
            raise InvalidParameterError(f"kind_priors: kinds are {_KINDS} with finite log priors; got {e}")
    blank = [blank_threshold is not None and bool(np.all(row < blank_threshold)) for row in p]
    coded = [k for k in range(n_rings) if not blank[k]]

    per_dir: list[dict[str, Any]] = []  # per reading direction: rings, total, path, order
    for d in (0, 1):
        order = np.arange(_N) if d == 0 else (-np.arange(_N)) % _N  # reading position -> gore
        rings = []
        for k in coded:
            t = _parse_tables(p[k][order], eps)
            kinds = {kind: _kind_scores(t, kind, extra[k].get(kind, 0.0)) for kind in _KINDS}
            stack = np.stack([kinds[kind][0] for kind in _KINDS])  # (3, 80, 8)
            rings.append({"t": t, "kinds": kinds, "stack": stack, "best": stack.max(0), "order": order})
        # dynamic programme over rings with the spiral prior
        total, path = _spiral_dp([r["best"] for r in rings], spiral_penalty, first_start, order)
        per_dir.append({"rings": rings, "total": total, "path": path, "order": order})

    totals = np.array([pd["total"] for pd in per_dir])
    if not coded:
        totals = np.array([0.0, -np.inf])
    d_best = int(np.argmax(totals))
    dir_conf = float(1.0 / (1.0 + np.exp(-(totals[d_best] - totals[1 - d_best])))) if coded else 1.0
    chosen = per_dir[d_best]
    ambiguities: list[str] = []

    # calibration: once the parse is chosen, its separators and fill are known; their
    # disagreement with the measurement (over the whole image) estimates the gore error rate,
    # which replaces eps in the confidences (a misregistered or badly measured ring, or a clean-
    # looking ring of a noisy image, cannot claim near-certain symbols)
    counts = []
    for ci, k in enumerate(coded):
        r = chosen["rings"][ci]
        s, n = chosen["path"][ci]
        kind = _KINDS[int(np.argmax(r["stack"][:, s, n - 1]))]
        values = [int(v) for v in r["kinds"][kind][1][s, :n]]
        counts.append(_structure_misses(p[k][chosen["order"]], s, values))
    eps_rings = _ring_error_rates(counts, eps)

    decoded_rings: list[DecodedRing] = []
    ci = 0
    prev_next: int | None = None
    for k in range(n_rings):
        if blank[k]:
            decoded_rings.append(DecodedRing([], KIND_BLANK, "", 0, 1.0, [], "0" * _N, True))
            continue
        r = chosen["rings"][ci]
        s, n = chosen["path"][ci]
        ci += 1
        kind_i = int(np.argmax(r["stack"][:, s, n - 1]))
        kind = _KINDS[kind_i]
        _, best_v, ll = r["kinds"][kind]
        values = [int(v) for v in best_v[s, :n]]
        eps_k = eps_rings[ci - 1]
        if eps_k > eps:
            t_k = _parse_tables(p[k][chosen["order"]], eps_k)
            r = dict(r, t=t_k, stack=np.stack([_kind_scores(t_k, kd, extra[k].get(kd, 0.0))[0] for kd in _KINDS]))
        # structural posterior of this ring given the chosen previous ring (spiral prior included)
        prior = np.zeros(_N)
        if prev_next is not None:
            prior[:] = -spiral_penalty
            prior[prev_next] = 0.0
        post_all = r["stack"] + prior[None, :, None]
        struct_conf = float(np.exp(post_all[kind_i, s, n - 1] - _logsumexp(post_all)))
        slot_conf = _slot_posteriors(r["t"]["vals"][s], _ALLOWED[kind], n)
        conf = struct_conf * float(np.prod(slot_conf))
        gore = int(chosen["order"][s])
        read = "".join("1" if p[k][chosen["order"][(s + i) % _N]] >= 0.5 else "0" for i in range(_N))
        dr = DecodedRing(
            values,
            kind,
            ring_text(values, kind, slot_conf),
            gore,
            conf,
            slot_conf,
            read,
            conf >= min_ring_confidence,
            float(ll[s, n - 1]),
        )
        decoded_rings.append(dr)
        if not dr.readable:
            ambiguities.append(f"ring {k + 1}: low confidence {conf:.2f}; read as {dr.text!r}")
        if n == _S and prev_next is None and kind != KIND_COORDINATES:
            ambiguities.append(
                f"ring {k + 1} is full (no fill block): its start comes from "
                + ("the following ring's spiral position" if len(coded) > 1 else "convention only")
            )
        prev_next = (s + spec.SLOT_GORES * n) % _N

    if coded and dir_conf < 0.9:
        other = per_dir[1 - d_best]
        alt = []
        for ri, (s, n) in enumerate(other["path"]):
            rr = other["rings"][ri]
            kind = _KINDS[int(np.argmax(rr["stack"][:, s, n - 1]))]
            vals = [int(v) for v in rr["kinds"][kind][1][s, :n]]
            alt.append(ring_text(vals, kind))
        ambiguities.append(
            f"direction ambiguous (confidence {dir_conf:.2f}): the {('counter' if d_best == 0 else '')}clockwise "
            f"reading gives {alt}"
        )
    conf_total = dir_conf * float(np.prod([r.confidence for r in decoded_rings]))
    return Decoded(
        decoded_rings,
        CLOCKWISE if d_best == 0 else COUNTERCLOCKWISE,
        dir_conf,
        conf_total,
        ambiguities,
    )


def _spiral_dp(
    scores: list[NDArray], penalty: float, first_start: int | None, order: NDArray
) -> tuple[float, list[tuple[int, int]]]:
    """Best (start, n) per ring maximising Σ score + spiral prior; starts in reading positions."""
    if not scores:
        return 0.0, []
    a = scores[0].copy()
    if first_start is not None:
        pos = int(np.nonzero(order == first_start % _N)[0][0])
        a[pos] += 0.1
    backs = []
    ns = np.arange(1, _S + 1)
    q_all = np.arange(_N)[:, None]
    s_of = (q_all - spec.SLOT_GORES * ns[None, :]) % _N  # (q, n-1): the start s with s + 10 n = q
    for sc in scores[1:]:
        # best previous (s, n) for each predicted next start q = s + 10 n (ties: smallest s)
        cand = a[s_of, ns[None, :] - 1]  # (q, n-1)
        b = cand.max(axis=1)
        tie = np.where((cand == b[:, None]) & np.isfinite(b)[:, None], s_of, _N)
        n_i = np.argmin(tie, axis=1)
        found = np.isfinite(b)
        arg = np.zeros((_N, 2), dtype=int)
        arg[found, 0] = s_of[found, n_i[found]]
        arg[found, 1] = n_i[found] + 1
        q_glob = int(np.argmax(b))
        off = b[q_glob] - penalty
        from_q = np.where(b >= off, np.arange(_N), q_glob)
        carry = np.maximum(b, off)
        backs.append((arg, from_q))
        a = sc + carry[:, None]
    s_last, n_last = np.unravel_index(int(np.argmax(a)), a.shape)
    total = float(a[s_last, n_last])
    path = [(int(s_last), int(n_last) + 1)]
    s_cur = int(s_last)
    for arg, from_q in reversed(backs):
        q_back = int(from_q[s_cur])
        s_prev, n_prev = arg[q_back]
        path.append((int(s_prev), int(n_prev)))
        s_cur = int(s_prev)
    path.reverse()
    return total, path


def decode_bit_strings(strings: list[str], *, eps: float = 1e-6, first_start: int | None = 0) -> Decoded:
    """Decode rings given as 80-character 0/1 or W/R strings (innermost first).

    Rotation and direction are unknown to the decoder; ``first_start=0`` only breaks exact ties
    (a full ring with no fill) in favour of gore 0 being the first ring's start. The strings are
    a canopy's ring positions: a fourth string is the band, which favours the coordinates kind
    (:func:`canopy_kind_priors`).

    Examples
    --------
    >>> from marsound.chute.encode import encode_message
    >>> rings = encode_message(["DARE", "MIGHTY", "THINGS"], "34 11 58 N 118 10 31 W")
    >>> decode_bit_strings([r.bit_string for r in rings]).texts
    ['DARE', 'MIGHTY', 'THINGS', '34 11 58 N 118 10 31 W']
    """
    if not strings:
        raise InvalidParameterError("bits: give at least one ring")
    p = np.stack([parse_bit_string(s, name=f"ring {i + 1} bits") for i, s in enumerate(strings)])
    return decode_soft(p, eps=eps, first_start=first_start, kind_priors=canopy_kind_priors(len(p)))


def slot_values(bits: str) -> list[int]:
    """Hard "skip 3, read 7" reading of a word-aligned 80-bit string (no grammar; for checks)."""
    s = "".join(bits.split()).upper().replace("W", "0").replace("R", "1")
    if len(s) != _N or set(s) - {"0", "1"}:
        raise InvalidParameterError(f"bits={bits!r} is not an 80-gore 0/1 or W/R string")
    return [int(s[j + spec.SEP_GORES : j + spec.SLOT_GORES], 2) for j in range(0, _N, spec.SLOT_GORES)]
