"use strict";
// Shared helpers of the marsound pages: calls to the local /api and status lines.

async function apiCall(url, options) {
  const resp = await fetch(url, options);
  if (!resp.ok) {
    let message = resp.status + " " + resp.statusText;
    try { message = (await resp.json()).error || message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return resp;
}

async function apiJson(url, options) {
  return (await apiCall(url, options)).json();
}

function setStatus(el, text, isError) {
  el.textContent = text;
  el.classList.toggle("error", Boolean(isError));
}

function fmt(v, digits) {
  if (v === null || v === undefined) return "–";
  return Number(v).toPrecision(digits || 3);
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

// 16-bit PCM WAV of an AudioBuffer (for microphone recordings, decoded by the browser).
function wavFromAudioBuffer(buf) {
  const ch = buf.numberOfChannels, n = buf.length, rate = buf.sampleRate;
  const data = new DataView(new ArrayBuffer(44 + n * ch * 2));
  const text = (o, s) => { for (let i = 0; i < s.length; i++) data.setUint8(o + i, s.charCodeAt(i)); };
  text(0, "RIFF"); data.setUint32(4, 36 + n * ch * 2, true); text(8, "WAVE"); text(12, "fmt ");
  data.setUint32(16, 16, true); data.setUint16(20, 1, true); data.setUint16(22, ch, true);
  data.setUint32(24, rate, true); data.setUint32(28, rate * ch * 2, true); data.setUint16(32, ch * 2, true);
  data.setUint16(34, 16, true); text(36, "data"); data.setUint32(40, n * ch * 2, true);
  const chans = []; for (let c = 0; c < ch; c++) chans.push(buf.getChannelData(c));
  let o = 44;
  for (let i = 0; i < n; i++) for (let c = 0; c < ch; c++) {
    const v = Math.max(-1, Math.min(1, chans[c][i]));
    data.setInt16(o, v < 0 ? v * 0x8000 : v * 0x7fff, true); o += 2;
  }
  return new Blob([data.buffer], {type: "audio/wav"});
}
