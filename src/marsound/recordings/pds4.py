"""PDS4 XML labels of SuperCam audio products: safe parsing, consistency checks, writing.

Labels are untrusted input: they are parsed with :mod:`defusedxml` with DTDs, entity
declarations and external references forbidden, so an XXE or "billion laughs" payload is
refused with :class:`~marsound.errors.FileFormatError` before anything is expanded.

Where the times are. Real Mars 2020 labels (Slavney 2021, *PDS4 Mars 2020 Mission Dictionary
User's Guide*; a real Navcam label of sol 629) keep them in the mission area,
``mars2020:Mars2020_Parameters/mars2020:Observation_Information``: ``sol_number`` (or
``start_sol_number``/``stop_sol_number``), ``start_local_mean_solar_time``
(``Sol-00629M13:21:49.137``), ``spacecraft_clock_start``/``_stop`` (decimal seconds) - and the UTC
in ``pds:Time_Coordinates/pds:start_date_time``/``stop_date_time`` (``Z`` suffix), whose
``local_mean_solar_time`` holds the bare ``13:21:49.137``. Older multi-mission labels use
``msn:start_sol_number``; both are read, the ``mars2020:`` element first. A sol missing from the
label is taken from the ``Sol-NNNNNM`` prefix of the LMST. The SCLK is kept as written and never
turned into UTC with a fixed offset (:mod:`marsound.recordings.marstime`). Other fields (file
name, sample count, unit, ``msn_surface:sequence_id``) are looked up by local name. The product
version is the ``pNN`` suffix of the data file name, else the label's ``version_id``.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from marsound.errors import FileFormatError

PDS_NS = "http://pds.nasa.gov/pds4/pds/v1"
MSN_NS = "http://pds.nasa.gov/pds4/msn/v1"
MSN_SURFACE_NS = "http://pds.nasa.gov/pds4/msn_surface/v1"
MARS2020_NS = "http://pds.nasa.gov/pds4/mission/mars2020/v1"

_VERSION_RE = re.compile(r"p(\d{2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Pds4Label:
    """The fields of a SuperCam audio label that marsound uses (``None`` when absent).

    Attributes
    ----------
    path : Path
        The label file.
    logical_identifier, version_id, title : str or None
        Identification area.
    file_name : str or None
        Name of the data file the label describes.
    sol : int or None
        Start sol number (sol 0 = landing day).
    lmst : str or None
        Local mean solar time at the start, as written (``"Sol-00076M12:35:10.123"`` from the
        ``mars2020:`` area, else the bare ``Time_Coordinates`` form).
    start_utc, stop_utc : str or None
        UTC start/stop date-times (ISO 8601) as written.
    sclk_start, sclk_stop : str or None
        Spacecraft clock at start/stop, as written (decimal seconds).
    sequence_id : str or None
        Commanded sequence id (e.g. ``"scam01076"``).
    product_version : str or None
        ``"p02"``-style version from the file name, else ``version_id``.
    unit : str or None
        Physical unit of the samples (``Element_Array/unit`` or a ``unit`` attribute).
    n_samples : int or None
        Declared number of samples (``Axis_Array/elements``) or table records (``records``).
    sample_rate_hz : float or None
        Declared sampling rate, if the label carries one.
    data_offset_bytes : int or None
        Offset of the data in the file (58 for the calibrated WAVs).
    fields : dict
        Every other simple element (local name -> text) for reference.
    """

    path: Path
    logical_identifier: str | None = None
    version_id: str | None = None
    title: str | None = None
    file_name: str | None = None
    sol: int | None = None
    lmst: str | None = None
    start_utc: str | None = None
    stop_utc: str | None = None
    sclk_start: str | None = None
    sclk_stop: str | None = None
    sequence_id: str | None = None
    product_version: str | None = None
    unit: str | None = None
    n_samples: int | None = None
    sample_rate_hz: float | None = None
    data_offset_bytes: int | None = None
    fields: dict[str, str] = field(default_factory=dict)

    def as_metadata(self) -> dict[str, Any]:
        """The label fields as a flat metadata dict (``label_path`` instead of ``path``)."""
        d = asdict(self)
        d["label_path"] = str(d.pop("path"))
        d.pop("fields")
        return {k: v for k, v in d.items() if v is not None}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag


def parse_label(path: str | Path) -> Pds4Label:
    """Parse a PDS4 label safely.

    Raises
    ------
    FileFormatError
        If the file is missing, is not well-formed XML, is not a PDS4 product label, or
        contains a DTD / entity declarations / external references (refused unexpanded).
    """
    import defusedxml
    import defusedxml.ElementTree as DET

    from marsound._files import regular_file

    path = regular_file(path, "label")  # a FIFO would block the parser forever
    try:
        tree = DET.parse(str(path), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except FileNotFoundError:
        raise FileFormatError(f"label {path} does not exist") from None
    except defusedxml.DefusedXmlException as exc:
        raise FileFormatError(
            f"label {path} refused: it contains a DTD, entity declarations or external references "
            f"({type(exc).__name__}); PDS4 labels never need them (possible XXE or entity-expansion attack)"
        ) from None
    except DET.ParseError as exc:
        raise FileFormatError(f"label {path} is not well-formed XML: {exc}") from None
    except OSError as exc:
        raise FileFormatError(f"label {path} cannot be read: {exc}") from None
    root = tree.getroot()
    if not _local(root.tag).startswith("Product_"):
        raise FileFormatError(f"label {path} is not a PDS4 product label (root element <{_local(root.tag)}>)")

    first: dict[str, str] = {}
    mission: dict[str, str] = {}  # the mars2020: Observation_Information fields, by local name
    pds_time: dict[str, str] = {}  # pds:Time_Coordinates
    for el in root.iter():
        name = _local(el.tag)
        text = (el.text or "").strip()
        if text and len(el) == 0:
            first.setdefault(name, text)
            if el.tag.startswith("{" + MARS2020_NS + "}"):
                mission.setdefault(name, text)
    for tc in root.iter(f"{{{PDS_NS}}}Time_Coordinates"):
        for el in tc:
            if (el.text or "").strip():
                pds_time.setdefault(_local(el.tag), el.text.strip())

    def _float(key: str, where: dict[str, str] | None = None) -> float | None:
        v = (first if where is None else where).get(key)
        if v is None:
            return None
        try:
            x = float(v)
        except ValueError:
            raise FileFormatError(f"label {path}: <{key}> is not a number: {v!r}") from None
        if not math.isfinite(x):
            raise FileFormatError(f"label {path}: <{key}> must be a finite number, got {v!r}")
        return x

    def _int(key: str, where: dict[str, str] | None = None) -> int | None:
        x = _float(key, where)
        if x is None:
            return None
        if x != int(x) or x < 0:
            raise FileFormatError(f"label {path}: <{key}> must be a whole number >= 0, got {x!r}")
        return int(x)

    file_name = first.get("file_name")
    version = None
    if file_name:
        m = _VERSION_RE.search(Path(file_name).stem)
        if m:
            version = f"p{m.group(1)}"
    n_samples = _int("elements")
    if n_samples is None:
        n_samples = _int("records")
    rate = _float("sampling_rate") or _float("sample_rate")
    if rate is not None and rate <= 0:
        raise FileFormatError(f"label {path}: <sampling_rate> must be > 0, got {rate!r}")
    lmst = mission.get("start_local_mean_solar_time") or pds_time.get("local_mean_solar_time") or first.get(
        "local_mean_solar_time"
    )
    sol = _int("sol_number", mission)
    if sol is None:
        sol = _int("start_sol_number", mission)
    if sol is None:
        sol = _int("start_sol_number")  # msn: multi-mission form
    if sol is None and lmst:
        m = re.match(r"\s*Sol-?(\d+)M", lmst, re.IGNORECASE)
        sol = int(m.group(1)) if m else None
    return Pds4Label(
        path=path,
        logical_identifier=first.get("logical_identifier"),
        version_id=first.get("version_id"),
        title=first.get("title"),
        file_name=file_name,
        sol=sol,
        lmst=lmst,
        start_utc=pds_time.get("start_date_time") or first.get("start_date_time"),
        stop_utc=pds_time.get("stop_date_time") or first.get("stop_date_time"),
        sclk_start=mission.get("spacecraft_clock_start") or first.get("spacecraft_clock_start"),
        sclk_stop=mission.get("spacecraft_clock_stop") or first.get("spacecraft_clock_stop"),
        sequence_id=first.get("sequence_id"),
        product_version=version or first.get("version_id"),
        unit=first.get("unit"),
        n_samples=n_samples,
        sample_rate_hz=rate,
        data_offset_bytes=_int("offset"),
        fields=first,
    )


def check_label_matches(label: Pds4Label, data_path: str | Path, n_samples: int, sample_rate_hz: float) -> None:
    """Refuse a label that does not describe this data file.

    Checks the declared file name, sample count and sampling rate (each when the label has it).

    Raises
    ------
    FileFormatError
        Naming the mismatching field and both values.
    """
    data_path = Path(data_path)
    if label.file_name is not None and label.file_name != data_path.name:
        raise FileFormatError(f"label {label.path.name} describes file {label.file_name!r}, not {data_path.name!r}")
    if label.n_samples is not None and label.n_samples != n_samples:
        raise FileFormatError(
            f"label {label.path.name} declares {label.n_samples} samples but {data_path.name} holds {n_samples}"
        )
    if label.sample_rate_hz is not None and abs(label.sample_rate_hz - sample_rate_hz) > 1e-6 * sample_rate_hz:
        raise FileFormatError(
            f"label {label.path.name} declares {label.sample_rate_hz:g} Hz "
            f"but {data_path.name} is at {sample_rate_hz:g} Hz"
        )


def find_label(data_path: str | Path) -> Path | None:
    """The sibling label of a data file (same name, ``.xml`` or ``.XML``), if any."""
    data_path = Path(data_path)
    for suffix in (".xml", ".XML"):
        cand = data_path.with_suffix(suffix)
        if cand.is_file():
            return cand
    return None


def write_label(
    path: str | Path,
    data_file: str | Path,
    *,
    n_samples: int,
    sample_rate_hz: float,
    start_utc: str,
    stop_utc: str,
    sequence_id: str,
    unit: str,
    sol: int | None = None,
    lmst: str | None = None,
    sclk_start: str | None = None,
    sclk_stop: str | None = None,
    kind: str = "calibrated",
    data_offset_bytes: int = 58,
    version_id: str = "2.0",
) -> Path:
    """Write a SuperCam-style PDS4 label for an audio product (used for fixtures and exports).

    The times follow real Mars 2020 labels: UTC and the bare LMST in ``pds:Time_Coordinates``;
    sol, ``Sol-NNNNNMhh:mm:ss.sss`` LMST and spacecraft clock in
    ``mars2020:Mars2020_Parameters/mars2020:Observation_Information``. ``sol``/``lmst`` default to
    the values computed from ``start_utc`` (:func:`marsound.recordings.marstime.mars_time`); the
    SCLK elements are written only when given (no fixed SCLK ↔ UTC offset exists).
    ``kind="calibrated"`` describes a float32 WAV as an ``Array_1D`` at ``data_offset_bytes``;
    ``kind="raw"`` describes the FITS ``SOUND TABLE`` (``SignedMSB2`` with ``value_offset``
    32768). The file is written atomically.
    """
    from marsound._atomic import write_text_atomic
    from marsound.recordings.marstime import format_lmst, mars_time, parse_lmst

    data_file = Path(data_file)
    lid_kind = "data_calibrated_audio" if kind == "calibrated" else "data_raw_audio"
    if lmst is None or sol is None:
        computed = mars_time(start_utc)
        sol = computed.sol if sol is None else sol
        lmst = computed.lmst if lmst is None else lmst
    lmst_sol, lmst_s = parse_lmst(lmst)
    lmst_full = format_lmst(sol if lmst_sol is None else lmst_sol, lmst_s)
    lmst_bare = lmst_full.split("M", 1)[1]
    if kind == "calibrated":
        area = f"""    <Array_1D>
      <name>AUDIO</name>
      <offset unit="byte">{int(data_offset_bytes)}</offset>
      <axes>1</axes>
      <axis_index_order>Last Index Fastest</axis_index_order>
      <Element_Array>
        <data_type>IEEE754LSBSingle</data_type>
        <unit>{escape(unit)}</unit>
      </Element_Array>
      <Axis_Array>
        <axis_name>Time</axis_name>
        <elements>{int(n_samples)}</elements>
        <sequence_number>1</sequence_number>
      </Axis_Array>
    </Array_1D>"""
    elif kind == "raw":
        area = f"""    <Table_Binary>
      <name>SOUND TABLE</name>
      <offset unit="byte">0</offset>
      <records>{int(n_samples)}</records>
      <Record_Binary>
        <fields>1</fields>
        <groups>0</groups>
        <record_length unit="byte">2</record_length>
        <Field_Binary>
          <name>SOUND</name>
          <field_number>1</field_number>
          <field_location unit="byte">1</field_location>
          <data_type>SignedMSB2</data_type>
          <field_length unit="byte">2</field_length>
          <value_offset>32768</value_offset>
          <unit>{escape(unit)}</unit>
        </Field_Binary>
      </Record_Binary>
    </Table_Binary>"""
    else:
        raise FileFormatError(f"unknown label kind {kind!r}; known: calibrated, raw")
    sclk = ""
    if sclk_start is not None:
        sclk += f"\n          <mars2020:spacecraft_clock_start>{escape(sclk_start)}</mars2020:spacecraft_clock_start>"
    if sclk_stop is not None:
        sclk += f"\n          <mars2020:spacecraft_clock_stop>{escape(sclk_stop)}</mars2020:spacecraft_clock_stop>"
    if sclk:
        sclk += "\n          <mars2020:spacecraft_clock_partition>1</mars2020:spacecraft_clock_partition>"
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<Product_Observational xmlns="{PDS_NS}" xmlns:mars2020="{MARS2020_NS}" xmlns:msn_surface="{MSN_SURFACE_NS}">
  <Identification_Area>
    <logical_identifier>urn:nasa:pds:mars2020_supercam:{lid_kind}:{escape(data_file.stem.lower())}</logical_identifier>
    <version_id>{escape(version_id)}</version_id>
    <title>SuperCam microphone recording, sol {int(sol)}</title>
    <information_model_version>1.20.0.0</information_model_version>
    <product_class>Product_Observational</product_class>
  </Identification_Area>
  <Observation_Area>
    <Time_Coordinates>
      <start_date_time>{escape(start_utc)}</start_date_time>
      <stop_date_time>{escape(stop_utc)}</stop_date_time>
      <local_mean_solar_time>{escape(lmst_bare)}</local_mean_solar_time>
    </Time_Coordinates>
    <Mission_Area>
      <mars2020:Mars2020_Parameters>
        <mars2020:Observation_Information>
          <mars2020:mission_phase_name>Surface Mission</mars2020:mission_phase_name>{sclk}
          <mars2020:sol_number>{int(sol)}</mars2020:sol_number>
          <mars2020:start_local_mean_solar_time>{escape(lmst_full)}</mars2020:start_local_mean_solar_time>
        </mars2020:Observation_Information>
      </mars2020:Mars2020_Parameters>
      <msn_surface:Surface_Mission_Information>
        <msn_surface:sequence_id>{escape(sequence_id)}</msn_surface:sequence_id>
      </msn_surface:Surface_Mission_Information>
    </Mission_Area>
    <Discipline_Area>
      <sampling_rate unit="Hz">{float(sample_rate_hz):g}</sampling_rate>
    </Discipline_Area>
  </Observation_Area>
  <File_Area_Observational>
    <File>
      <file_name>{escape(data_file.name)}</file_name>
    </File>
{area}
  </File_Area_Observational>
</Product_Observational>
"""
    return write_text_atomic(path, text)
