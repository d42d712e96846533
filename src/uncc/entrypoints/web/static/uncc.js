// uncc node — a little of our own JavaScript; every page works without it.
"use strict";
(function () {
  // Evidence upload with a progress bar and throughput (falls back to the plain form).
  const form = document.querySelector("form[data-upload]");
  if (form && window.XMLHttpRequest && window.FormData) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const bar = form.querySelector("progress");
      const status = form.querySelector("[data-upload-status]");
      const started = Date.now();
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        bar.max = e.total; bar.value = e.loaded;
        const seconds = Math.max((Date.now() - started) / 1000, 0.001);
        status.textContent = Math.round(100 * e.loaded / e.total) + " % — " + (e.loaded / 1048576 / seconds).toFixed(1) + " MiB/s";
      });
      request.addEventListener("load", function () {
        if (request.responseURL) { window.location.assign(request.responseURL); } else { window.location.reload(); }
      });
      request.addEventListener("error", function () { status.textContent = "The upload failed; nothing was recorded. Try again."; });
      bar.hidden = false;
      request.send(new FormData(form));
    });
  }
  // Confirm destructive actions.
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
