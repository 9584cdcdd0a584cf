// Enhancements only: every form here also works without this file.
"use strict";

// The sign-in's proof-of-work CAPTCHA (shared_apps/captcha/pow.py): find a nonce such that
// sha256(challenge + nonce) starts with `difficulty` zero bits, then send "challenge.nonce".
function leadingZeroBits(bytes) {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) { bits += 8; continue; }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

async function solvePow(challenge, difficulty) {
  const encoder = new TextEncoder();
  for (let nonce = 0; ; nonce++) {
    const digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge + nonce));
    if (leadingZeroBits(new Uint8Array(digest)) >= difficulty) return String(nonce);
  }
}

function enhancePow(form) {
  form.addEventListener("submit", async (event) => {
    const field = form.querySelector("input[name=captcha]");
    if (!field || field.value || !window.crypto || !crypto.subtle) return;
    event.preventDefault();
    const status = form.querySelector("[data-pow-status]");
    if (status) status.textContent = "Vérification anti-robot en cours…";
    const challenge = form.dataset.powChallenge;
    const nonce = await solvePow(challenge, Number(form.dataset.powDifficulty));
    field.value = challenge + "." + nonce;
    form.submit();
  });
}

// Invoice upload: drag and drop onto the zone, progress while htmx sends the files.
function enhanceUpload(form) {
  const zone = form.querySelector("[data-dropzone]");
  const input = form.querySelector("input[type=file]");
  const progress = form.querySelector("[data-progress]");
  if (zone && input) {
    zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("over");
      input.files = event.dataTransfer.files;
      form.requestSubmit();
    });
  }
  if (progress) {
    form.addEventListener("htmx:xhr:progress", (event) => {
      if (!event.detail.lengthComputable) return;
      progress.hidden = false;
      progress.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    });
    form.addEventListener("htmx:afterRequest", () => { progress.hidden = true; progress.value = 0; });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-pow-challenge]").forEach(enhancePow);
  document.querySelectorAll("form.upload").forEach(enhanceUpload);
});
