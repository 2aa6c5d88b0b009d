"use strict";
// Listen page: render a sound on Earth and on Mars (POST /api/listen), A/B players, spectrograms.
(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("listen-form"), status = $("listen-status"), distance = $("distance");
  let recorded = null, timer = null;

  distance.addEventListener("input", () => { $("distance-value").textContent = distance.value; });
  distance.addEventListener("change", () => {   // re-render when the slider is released (debounced)
    if ($("listen-result").hidden) return;
    clearTimeout(timer); timer = setTimeout(() => form.requestSubmit(), 300);
  });
  $("site").addEventListener("change", () => {
    $("custom-fields").hidden = $("site").value !== "custom";
    $("altitude-fields").hidden = $("site").value !== "altitude";
  });
  $("upload").addEventListener("change", () => { form.elements.source.value = "upload"; });

  let recorder = null;   // one button: start, then stop (or stop by itself after 10 s)
  $("record").addEventListener("click", async () => {
    const st = $("record-status");
    if (recorder && recorder.state === "recording") { recorder.stop(); return; }
    if (!navigator.mediaDevices || !window.MediaRecorder) { setStatus(st, "no microphone access in this browser", true); return; }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({audio: true});
      const parts = [];
      recorder = new MediaRecorder(stream);
      recorder.ondataavailable = (e) => parts.push(e.data);
      recorder.onstop = async () => {
        stream.getTracks().forEach((t) => t.stop());
        $("record").textContent = "● record (max 10 s)";
        try {
          const bytes = await new Blob(parts).arrayBuffer();
          const ctx = new AudioContext();
          recorded = wavFromAudioBuffer(await ctx.decodeAudioData(bytes));
          ctx.close();
          form.elements.source.value = "record";
          setStatus(st, "recorded; press Render");
        } catch (e) { setStatus(st, "could not decode the recording: " + e.message, true); }
      };
      recorder.start();
      $("record").textContent = "■ stop";
      setStatus(st, "recording… (10 s at most)");
      setTimeout(() => recorder && recorder.state === "recording" && recorder.stop(), 10000);
    } catch (e) { setStatus(st, "microphone: " + e.message, true); }
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const fd = new FormData();
    const source = form.elements.source.value;
    if (source === "upload") {
      if (!$("upload").files.length) { setStatus(status, "choose a sound file first", true); return; }
      fd.append("file", $("upload").files[0]);
    } else if (source === "record") {
      if (!recorded) { setStatus(status, "record something first", true); return; }
      fd.append("file", recorded, "microphone.wav");
    } else {
      fd.append("sound", $("sound").value);
      fd.append("duration_s", $("duration").value);
    }
    fd.append("distance_m", distance.value);
    fd.append("model", $("model").value);
    const site = $("site").value;
    if (site === "custom") {
      fd.append("preset", "mars");
      fd.append("temperature_k", $("temperature").value);
      fd.append("pressure_pa", $("pressure").value);
    } else if (site === "altitude") {
      fd.append("preset", "mars");
      fd.append("altitude_m", $("altitude").value);
    } else {
      fd.append("preset", site);
    }
    $("render").disabled = true;
    setStatus(status, "rendering…");
    try {
      const r = await apiJson("/api/listen", {method: "POST", body: fd});
      const t = $("audio-mars").currentTime || 0;
      $("audio-earth").src = r.earth_url; $("download-earth").href = r.earth_url;
      $("audio-mars").src = r.mars_url; $("download-mars").href = r.mars_url;
      $("audio-mars").currentTime = t;
      $("spectrogram").src = r.spectrogram_url;
      const a = r.atmosphere, m = r.reports.mars, e = r.reports.earth;
      $("mars-caption").textContent = "Mars: " + a.name;
      $("listen-summary").textContent =
        `At ${r.distance_m} m: on Earth the level changes by ${fmt(e.applied_gain_db)} dB and the sound arrives after ` +
        `${fmt(1000 * e.delay_s)} ms; in ${a.name} (${fmt(a.temperature_k, 4)} K, ${fmt(a.pressure_pa, 4)} Pa) by ` +
        `${fmt(m.applied_gain_db)} dB (source ${fmt(m.source_gain_db)} dB for the thin air, spreading ` +
        `${fmt(m.spreading_gain_db)} dB), after ${fmt(1000 * m.delay_s)} ms; high pitches are absorbed on top.`;
      $("listen-result").hidden = false;
      setStatus(status, "done");
    } catch (e) {
      setStatus(status, e.message, true);
    } finally {
      $("render").disabled = false;
    }
  });

  $("ab-toggle").addEventListener("click", () => {   // play the other version from the same instant
    const earth = $("audio-earth"), mars = $("audio-mars");
    const [from, to] = earth.paused ? [mars, earth] : [earth, mars];
    to.currentTime = from.currentTime; from.pause(); to.play();
  });
})();
