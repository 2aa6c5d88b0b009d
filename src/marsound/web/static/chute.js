"use strict";
// Parachute page: encode a message (POST /api/chute/encode + SVG drawing), decode a photo (POST /api/chute/decode).
(function () {
  const $ = (id) => document.getElementById(id);

  function bitsHtml(bits) {
    return bits.split("").map((b) => (b === "1" ? '<span class="r">R</span>' : '<span class="w">W</span>')).join("");
  }

  async function encode() {
    const rings = ["ring1", "ring2", "ring3"].map((id) => $(id).value.trim()).filter((s) => s);
    const coordinates = $("coordinates").value.trim() || null;
    const st = $("encode-status");
    try {
      const r = await apiJson("/api/chute/encode", {
        method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({rings, coordinates}),
      });
      const q = new URLSearchParams();
      rings.forEach((w) => q.append("ring", w));
      if (coordinates) q.append("coordinates", coordinates);
      const img = $("chute-drawing");
      await new Promise((ok, fail) => { img.onload = ok; img.onerror = () => fail(new Error("drawing failed")); img.src = "/api/chute/drawing.svg?" + q; });
      $("bits-table").innerHTML = "<tr><th>ring</th><th>values</th><th>start</th><th>gores 0–79 (R = 1, W = 0)</th></tr>" +
        r.rings.map((g, i) => `<tr><td>${i + 1}</td><td>${g.values.join(" ")}</td><td>${g.start}</td><td class="bits">${bitsHtml(g.bits)}</td></tr>`).join("");
      setStatus(st, "");
    } catch (e) { setStatus(st, e.message, true); }
  }

  function drawOutline(canopy, img) {
    const svg = $("chute-overlay");
    const w = img.naturalWidth, h = img.naturalHeight;
    svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    if (!canopy) { svg.innerHTML = ""; return; }
    const [cx, cy] = canopy.centre_px, [ax, ay] = canopy.rim_axes_px, ang = canopy.rim_angle_deg;
    const sw = Math.max(2, w / 300);
    svg.innerHTML = `<ellipse id="canopy-outline" cx="${cx}" cy="${cy}" rx="${ax / 2}" ry="${ay / 2}" ` +
      `transform="rotate(${ang} ${cx} ${cy})" fill="none" stroke="#00e5ff" stroke-width="${sw}"/>` +
      `<circle cx="${cx}" cy="${cy}" r="${2 * sw}" fill="#00e5ff"/>`;
  }

  async function decode() {
    const st = $("decode-status"), f = $("chute-file").files[0];
    if (!f) { setStatus(st, "choose a photo or video first", true); return; }
    const fd = new FormData(); fd.append("file", f);
    $("decode").disabled = true;
    setStatus(st, "reading the canopy…");
    try {
      const r = await apiJson("/api/chute/decode", {method: "POST", body: fd});
      const words = r.rings.map((g) => g.text);
      $("decoded-text").textContent = words.join(" · ");
      $("rings-table").innerHTML = "<tr><th>ring</th><th>kind</th><th>text</th><th>values</th><th>confidence</th></tr>" +
        r.rings.map((g, i) => `<tr><td>${i + 1}</td><td>${escapeHtml(g.kind)}</td><td>${escapeHtml(g.text)}</td>` +
          `<td>${g.values.join(" ")}</td><td><span class="conf" style="width:${Math.round(60 * g.confidence)}px"></span> ${g.confidence.toFixed(2)}</td></tr>`).join("") +
        `<tr><td colspan="5">direction ${escapeHtml(r.direction)}, overall confidence ${r.confidence.toFixed(2)}</td></tr>`;
      if (f.type.startsWith("image/")) {
        const img = $("chute-photo");
        await new Promise((ok) => { img.onload = ok; img.onerror = ok; img.src = URL.createObjectURL(f); });
        $("photo-box").hidden = false;
        drawOutline(r.canopy, img);
      } else {
        $("photo-box").hidden = true;
      }
      setStatus(st, "");
    } catch (e) { setStatus(st, e.message, true); }
    finally { $("decode").disabled = false; }
  }

  $("encode-form").addEventListener("submit", (ev) => { ev.preventDefault(); encode(); });
  $("decode-form").addEventListener("submit", (ev) => { ev.preventDefault(); decode(); });
  encode();
})();
