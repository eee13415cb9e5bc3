// Lot d'envoi Chorus Pro: polls the lot's JSON state and updates each line until all are settled.
(function () {
  "use strict";
  var table = document.querySelector("[data-batch-status]");
  if (!table) return;
  var url = table.getAttribute("data-batch-status");

  function show(line) {
    var row = document.getElementById("lot-ligne-" + line.id);
    if (!row) return;
    var state = row.querySelector("[data-state]");
    state.textContent = line.state;
    state.classList.toggle("batch-state-error", line.failed);
    state.classList.toggle("batch-state-pending", !line.settled && !line.failed);
    row.querySelector("[data-detail]").textContent = line.detail;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        data.lines.forEach(show);
        if (data.done) {
          var summary = document.getElementById("batch-summary");
          summary.textContent = summary.getAttribute("data-done-text");
          table.removeAttribute("data-batch-status");
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
