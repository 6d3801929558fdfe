// Invitation customization: refreshes the preview as the admin types. The page works
// without this script (the Preview button posts the form); no framework, no build step.
(function () {
  "use strict";
  if (!window.fetch || !window.URLSearchParams || !window.FormData) {
    return;
  }
  var form = document.getElementById("invitation-form");
  var shown = document.getElementById("invitation-preview");
  if (!form || !shown) {
    return;
  }
  var timer = null;
  var asked = 0;

  function refresh() {
    var mine = ++asked;
    fetch(form.getAttribute("data-preview"), {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString()
    })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        // Answers can arrive out of order: only the latest one is shown.
        if (!html || mine !== asked) {
          return;
        }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#invitation-preview");
        if (fresh) {
          shown.replaceWith(fresh);
          shown = fresh;
        }
      })
      .catch(function () {});
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  });
})();
