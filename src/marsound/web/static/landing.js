"use strict";
// Landing page: timeline plot with events (GET /api/landing/view), modelled descent soundtrack with a
// cursor moving along the timeline (POST /api/landing/sound), video alignment (POST /api/landing/video).
(function () {
  const $ = (id) => document.getElementById(id);
  let view = null, soundStart = 0;

  function placeCursor(missionTime) {
    const cur = $("timeline-cursor");
    if (!view || !cur) return;
    const [t0, t1] = view.time_range_s, [left, bottom, width, height] = view.axes_box;
    const frac = Math.min(1, Math.max(0, (missionTime - t0) / (t1 - t0)));
    cur.style.left = 100 * (left + frac * width) + "%";
    cur.style.top = 100 * (1 - bottom - height) + "%";
    cur.style.height = 100 * height + "%";
    cur.hidden = false;
    cur.dataset.missionTime = missionTime.toFixed(2);
  }

  async function showMission() {
    const st = $("landing-status");
    setStatus(st, "loading…");
    try {
      view = await apiJson("/api/landing/view?" + new URLSearchParams({mission: $("mission").value}));
      const img = $("timeline-plot");
      await new Promise((ok, fail) => { img.onload = ok; img.onerror = () => fail(new Error("plot failed")); img.src = view.plot_url; });
      $("events-table").innerHTML = "<tr><th>event</th><th>time after entry [s]</th><th>source</th></tr>" +
        view.events.map((e) => `<tr><td>${escapeHtml(e.name)}</td><td>${fmt(e.time_s, 4)}</td><td>${escapeHtml(e.source || "")}</td></tr>`).join("");
      placeCursor(view.time_range_s[0]);
      setStatus(st, "");
    } catch (e) { setStatus(st, e.message, true); }
  }

  if ($("landing-form")) {
    $("landing-form").addEventListener("submit", (ev) => { ev.preventDefault(); showMission(); });
    showMission();
  }

  const audio = $("descent-audio");
  if (audio) {
    $("sound-render").addEventListener("click", async () => {
      const st = $("sound-status");
      $("sound-render").disabled = true;
      setStatus(st, "rendering the descent…");
      try {
        const r = await apiJson("/api/landing/sound?" + new URLSearchParams({mission: $("mission").value}), {method: "POST"});
        soundStart = r.start_time_s;
        audio.src = r.wav_url;
        $("sound-notice").textContent = (r.report && r.report.model_notice) || "";
        setStatus(st, "ready: press play");
      } catch (e) { setStatus(st, e.message, true); }
      finally { $("sound-render").disabled = false; }
    });
    const follow = () => { placeCursor(soundStart + audio.currentTime); if (!audio.paused) requestAnimationFrame(follow); };
    audio.addEventListener("play", follow);
    audio.addEventListener("seeked", follow);
  }

  if ($("video-form")) {
    $("video-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const st = $("video-status"), f = $("video-file").files[0];
      if (!f) { setStatus(st, "choose a video first", true); return; }
      const fd = new FormData(); fd.append("file", f); fd.append("mission", $("mission").value);
      setStatus(st, "aligning…");
      try {
        const r = await apiJson("/api/landing/video", {method: "POST", body: fd});
        const v = $("landing-video"); v.src = r.video_url; v.hidden = false;
        const a = r.alignment;
        setStatus(st, `mission time = ${fmt(a.offset_s, 5)} s + ${fmt(a.rate, 4)} × video time; ` +
          `${(a.anchors || []).length} event(s) found in the video`);
      } catch (e) { setStatus(st, e.message, true); }
    });
  }
})();
