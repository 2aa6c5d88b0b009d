"use strict";
// Physics page: c(f) and alpha(f) plots, the 20 dB distance table, one-frequency lookup (GET /api/physics).
(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("physics-form"), status = $("physics-status");

  function query() {
    const q = new URLSearchParams();
    form.querySelectorAll("input[name=preset]:checked").forEach((c) => q.append("preset", c.value));
    if ($("phys-temperature").value) q.append("temperature_k", $("phys-temperature").value);
    if ($("phys-pressure").value) q.append("pressure_pa", $("phys-pressure").value);
    q.append("model", $("phys-model").value);
    return q.toString();
  }

  function distanceText(d) {
    if (d === null) return "∞";
    if (d >= 1000) return (d / 1000).toPrecision(3) + " km";
    return d >= 1 ? d.toPrecision(3) + " m" : (100 * d).toPrecision(3) + " cm";
  }

  async function show() {
    const q = query();
    setStatus(status, "computing…");
    try {
      const t = await apiJson("/api/physics/loss-table?" + q);
      const plot = $("physics-plot");
      await new Promise((ok, fail) => { plot.onload = ok; plot.onerror = () => fail(new Error("plot failed")); plot.src = "/api/physics/plot.png?" + q; });
      let html = "<tr><th>atmosphere</th>" + t.frequency_hz.map((f) => `<th>${f >= 1000 ? f / 1000 + " kHz" : f + " Hz"}</th>`).join("") + "</tr>";
      for (const row of t.rows) {
        html += `<tr><th>${escapeHtml(row.atmosphere)}</th>` + row.distance_m.map((d) => `<td>${distanceText(d)}</td>`).join("") + "</tr>";
      }
      $("loss-table").innerHTML = html;
      setStatus(status, "");
    } catch (e) { setStatus(status, e.message, true); }
  }

  form.addEventListener("submit", (ev) => { ev.preventDefault(); show(); });
  $("freq-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const q = new URLSearchParams({preset: $("freq-preset").value, frequency_hz: $("freq").value});
      const r = await apiJson("/api/physics?" + q);
      const row = r.rows[0];
      $("freq-result").textContent = `${r.atmosphere.name} at ${row.frequency_hz} Hz: speed ${fmt(row.sound_speed_m_s, 5)} m/s, ` +
        `absorption ${fmt(row.absorption_db_per_m)} dB/m (${fmt(100 * row.absorption_db_per_m)} dB per 100 m), ` +
        `impedance ρc ${fmt(r.impedance_pa_s_per_m)} Pa·s/m.`;
      $("freq-result").classList.remove("error");
    } catch (e) { setStatus($("freq-result"), e.message, true); }
  });
  show();
})();
