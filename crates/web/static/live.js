// Live meetings: reloads the rosters when the server says they changed. The page works
// without this script (the Refresh link); no framework, no build step.
(function () {
  "use strict";
  if (!window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var shown = document.getElementById("rosters");
  if (!shown) {
    return;
  }
  var latest = shown.getAttribute("data-version");
  var fetching = false;

  // One fetch at a time; versions that arrive meanwhile are caught by the check after it.
  function reload() {
    if (fetching || latest === shown.getAttribute("data-version")) {
      return;
    }
    fetching = true;
    fetch("/live?rosters=1", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        var fresh = html && new DOMParser().parseFromString(html, "text/html").getElementById("rosters");
        if (fresh) {
          shown.replaceWith(fresh);
          shown = fresh;
        }
      })
      .catch(function () {})
      .finally(function () {
        fetching = false;
        // A page older than the last event (or a failed fetch) is asked for again shortly.
        if (shown.getAttribute("data-version") !== latest && shown.isConnected) {
          window.setTimeout(reload, 1000);
        }
      });
  }

  var source = new EventSource("/live/events");
  source.addEventListener("snapshot", function (event) {
    latest = event.lastEventId;
    reload();
  });
})();
