"""Real Mars 2020 label paths (mars2020: and msn: forms) and the Mars time module."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from marsound.errors import InvalidParameterError
from marsound.recordings.marstime import (
    format_lmst,
    mars_sol_date,
    mars_time,
    parse_lmst,
    utc_from_mars,
)
from marsound.recordings.pds4 import parse_label, write_label

# Verbatim structure of a real Mars 2020 label (Navcam, sol 629), excerpted from the example label in
# the PDS IMG local data dictionary documentation (NASA-PDS ldd-img); data areas left out.
NAVCAM_629 = """<?xml version="1.0" encoding="UTF-8"?>
<Product_Observational xmlns="http://pds.nasa.gov/pds4/pds/v1"
    xmlns:mars2020="http://pds.nasa.gov/pds4/mission/mars2020/v1"
    xmlns:msn="http://pds.nasa.gov/pds4/msn/v1">
  <Identification_Area>
    <logical_identifier>urn:nasa:pds:mars2020_navcam_ops_raw:data:nlf_0629_0722782785_631ecm_n0301344ncam00427_06_095j</logical_identifier>
    <version_id>1.0</version_id>
    <information_model_version>1.16.0.0</information_model_version>
    <product_class>Product_Observational</product_class>
  </Identification_Area>
  <Observation_Area>
    <Time_Coordinates>
      <start_date_time>2022-11-27T01:08:36.002Z</start_date_time>
      <stop_date_time>2022-11-27T01:08:37.102Z</stop_date_time>
      <local_mean_solar_time>13:21:49.137</local_mean_solar_time>
      <local_true_solar_time>12:33:33</local_true_solar_time>
      <solar_longitude unit="deg">344.968</solar_longitude>
    </Time_Coordinates>
    <Mission_Area>
      <mars2020:Mars2020_Parameters>
        <mars2020:Observation_Information>
          <mars2020:mission_phase_name>Surface Mission</mars2020:mission_phase_name>
          <mars2020:spacecraft_clock_start>722782785.631</mars2020:spacecraft_clock_start>
          <mars2020:spacecraft_clock_stop>722782786.731</mars2020:spacecraft_clock_stop>
          <mars2020:spacecraft_clock_partition>1</mars2020:spacecraft_clock_partition>
          <mars2020:sol_number>629</mars2020:sol_number>
          <mars2020:start_local_mean_solar_time>Sol-00629M13:21:49.137</mars2020:start_local_mean_solar_time>
          <mars2020:start_local_true_solar_time>12:33:33</mars2020:start_local_true_solar_time>
          <mars2020:start_local_true_solar_time_sol>629</mars2020:start_local_true_solar_time_sol>
          <mars2020:start_solar_longitude unit="deg">344.968</mars2020:start_solar_longitude>
          <mars2020:active_flight_computer>A</mars2020:active_flight_computer>
        </mars2020:Observation_Information>
      </mars2020:Mars2020_Parameters>
    </Mission_Area>
  </Observation_Area>
</Product_Observational>
"""

MSN_FORM = """<?xml version="1.0" encoding="UTF-8"?>
<Product_Observational xmlns="http://pds.nasa.gov/pds4/pds/v1" xmlns:msn="http://pds.nasa.gov/pds4/msn/v1">
  <Observation_Area>
    <Time_Coordinates>
      <start_date_time>2021-05-07T19:26:40.000Z</start_date_time>
      <stop_date_time>2021-05-07T19:27:40.000Z</stop_date_time>
      <local_mean_solar_time>12:35:10.000</local_mean_solar_time>
    </Time_Coordinates>
    <Mission_Area>
      <msn:Surface_Mission><msn:start_sol_number>76</msn:start_sol_number></msn:Surface_Mission>
    </Mission_Area>
  </Observation_Area>
</Product_Observational>
"""

# (label UTC, label sol, label LMST in seconds) - mars2020-labels.md §D: a Navcam label and the LCAM EDL label
VECTORS = [
    ("2022-11-27T01:08:36.002Z", 629, 13 * 3600 + 21 * 60 + 49.137),
    ("2021-02-18T20:42:04.748391", 0, 15 * 3600 + 51 * 60 + 39.21383),
]


def test_real_mars2020_label_paths(tmp_path):
    p = tmp_path / "navcam.xml"
    p.write_text(NAVCAM_629)
    lab = parse_label(p)
    assert lab.sol == 629
    assert lab.lmst == "Sol-00629M13:21:49.137"  # the mission-area form, not the bare Time_Coordinates one
    assert (lab.start_utc, lab.stop_utc) == ("2022-11-27T01:08:36.002Z", "2022-11-27T01:08:37.102Z")
    assert (lab.sclk_start, lab.sclk_stop) == ("722782785.631", "722782786.731")
    meta = lab.as_metadata()
    assert meta["sclk_start"] == "722782785.631" and meta["sol"] == 629


def test_start_stop_sol_number_form(tmp_path):
    text = NAVCAM_629.replace(
        "<mars2020:sol_number>629</mars2020:sol_number>",
        "<mars2020:start_sol_number>629</mars2020:start_sol_number><mars2020:stop_sol_number>630</mars2020:stop_sol_number>",
    )
    p = tmp_path / "a.xml"
    p.write_text(text)
    assert parse_label(p).sol == 629


def test_sol_from_lmst_prefix_when_no_sol_element(tmp_path):
    p = tmp_path / "a.xml"
    p.write_text(NAVCAM_629.replace("<mars2020:sol_number>629</mars2020:sol_number>", ""))
    assert parse_label(p).sol == 629


def test_msn_label_form_still_read(tmp_path):
    p = tmp_path / "m.xml"
    p.write_text(MSN_FORM)
    lab = parse_label(p)
    assert lab.sol == 76 and lab.lmst == "12:35:10.000" and lab.start_utc == "2021-05-07T19:26:40.000Z"
    assert lab.sclk_start is None


def test_write_label_produces_the_real_structure(tmp_path):
    import xml.etree.ElementTree as ET

    p = write_label(
        tmp_path / "x.xml", tmp_path / "x.wav", n_samples=10, sample_rate_hz=25_000, start_utc=VECTORS[0][0],
        stop_utc="2022-11-27T01:08:37.102Z", sequence_id="scam00629", unit="Pa", sclk_start="722782785.631",
    )  # fmt: skip
    ns = {"pds": "http://pds.nasa.gov/pds4/pds/v1", "mars2020": "http://pds.nasa.gov/pds4/mission/mars2020/v1"}
    root = ET.parse(p).getroot()
    info = "pds:Observation_Area/pds:Mission_Area/mars2020:Mars2020_Parameters/mars2020:Observation_Information/"
    assert root.findtext(info + "mars2020:sol_number", namespaces=ns) == "629"
    lmst = root.findtext(info + "mars2020:start_local_mean_solar_time", namespaces=ns)
    assert lmst.startswith("Sol-00629M13:21:4")
    assert abs(parse_lmst(lmst)[1] - VECTORS[0][2]) < 1.0  # computed from the UTC
    assert root.findtext(info + "mars2020:spacecraft_clock_start", namespaces=ns) == "722782785.631"
    tc = "pds:Observation_Area/pds:Time_Coordinates/"
    assert root.findtext(tc + "pds:start_date_time", namespaces=ns) == VECTORS[0][0]
    assert root.findtext(tc + "pds:local_mean_solar_time", namespaces=ns) == lmst.split("M", 1)[1]
    lab = parse_label(p)
    assert lab.sol == 629 and lab.lmst == lmst and lab.sclk_start == "722782785.631"


@pytest.mark.parametrize(("utc", "sol", "lmst_s"), VECTORS)
def test_lmst_reproduces_real_labels(utc, sol, lmst_s):
    t = mars_time(utc)
    assert t.sol == sol
    assert abs(t.lmst_s - lmst_s) < 1.0
    # and back: the UTC of the label's sol/LMST is the label's UTC to < 1 s
    back = utc_from_mars(sol, lmst_s)
    label_utc = datetime.fromisoformat(utc.replace("Z", "+00:00")).replace(tzinfo=timezone.utc)
    assert abs((back - label_utc).total_seconds()) < 1.0


def test_landing_site_longitude_is_5_s_late():
    # the closed form at the landing-site longitude is the documented 5.5 s error, i.e. the module is not that
    utc, _, lmst_s = VECTORS[0]
    assert 5.0 < mars_time(utc, longitude_e_deg=77.4508).lmst_s - lmst_s < 6.0


def test_leap_seconds_and_msd_rate():
    # one Earth day later = 1/1.0274912517 sol later; across the 2016-12-31 leap second TT gains 1 s more
    d = mars_sol_date("2021-01-02T00:00:00Z") - mars_sol_date("2021-01-01T00:00:00Z")
    assert d == pytest.approx(1 / 1.0274912517, abs=1e-9)
    d_leap = mars_sol_date("2017-01-01T00:00:00Z") - mars_sol_date("2016-12-31T00:00:00Z")
    assert (d_leap - d) * 1.0274912517 * 86400 == pytest.approx(1.0, abs=1e-3)


def test_lmst_text_round_trip_and_errors():
    assert parse_lmst("Sol-00629M13:21:49.137") == (629, pytest.approx(48109.137))
    assert parse_lmst("13:21:49") == (None, 48109.0)
    assert format_lmst(629, 48109.137) == "Sol-00629M13:21:49.137"
    assert format_lmst(3, 86399.9999) == "Sol-00003M23:59:59.999"
    for bad in ("noon", "Sol-1M25:00:00", "13:61:00"):
        with pytest.raises(InvalidParameterError):
            parse_lmst(bad)
    with pytest.raises(InvalidParameterError):
        mars_time("yesterday")
    with pytest.raises(InvalidParameterError):
        utc_from_mars(1, 90_000.0)
