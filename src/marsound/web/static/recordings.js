"use strict";
// Recordings page: upload a product, show the `analyze` report (POST /api/recordings/analyze).
(function () {
  const $ = (id) => document.getElementById(id);
  $("analyze-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const st = $("analyze-status"), f = $("product").files[0];
    if (!f) { setStatus(st, "choose a file first", true); return; }
    const fd = new FormData(); fd.append("file", f);
    if ($("label").files.length) fd.append("label", $("label").files[0]);
    $("analyze").disabled = true;
    setStatus(st, "analysing…");
    try {
      const r = await apiJson("/api/recordings/analyze", {method: "POST", body: fd});
      const s = r.summary;
      $("analyze-summary").textContent = `${f.name}: ${fmt(s.sample_rate_hz, 6)} Hz, ${fmt(s.duration_s, 4)} s, ` +
        `${s.tones.length} tone(s), ${s.events.length} event(s).`;
      $("report-link").href = r.report_url;
      $("report-frame").src = r.report_url;
      $("analyze-result").hidden = false;
      setStatus(st, "done");
    } catch (e) { setStatus(st, e.message, true); }
    finally { $("analyze").disabled = false; }
  });
})();
