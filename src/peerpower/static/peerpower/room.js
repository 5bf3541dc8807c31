// The meeting room's countdowns. Each [data-ends-at] element shows the time left (or, past
// the end, the time over), measured against the server's clock so that every phone and the
// room's screen agree. No inline scripts: the page can run under a strict CSP.
(function () {
  "use strict";
  var offset = 0;

  function syncClock() {
    var el = document.querySelector("[data-server-now]");
    if (el) offset = Date.parse(el.getAttribute("data-server-now")) - Date.now();
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll("[data-ends-at]").forEach(function (el) {
      var left = Math.round((Date.parse(el.getAttribute("data-ends-at")) - now) / 1000);
      var abs = Math.abs(left);
      el.textContent = (left < 0 ? "+" : "") + pad(Math.floor(abs / 60)) + ":" + pad(abs % 60);
      el.classList.toggle("over", left < 0);
    });
  }

  // The note form is for the scribe and the chair; the chair may choose the scribe after
  // the page loaded, so the polled state says whether this person may take notes now.
  // A note being typed (or one the server refused, which comes back with its text) stays in
  // sight whatever the room does.
  function syncNoteCard() {
    var state = document.getElementById("room-state");
    var card = document.getElementById("note-card");
    var text = card && card.querySelector("textarea");
    var typing = !!(text && text.value.trim() !== "");
    if (state && card) card.hidden = state.getAttribute("data-can-note") !== "1" && !typing;
    // The note belongs to the issue being worked when the scribe began it.
    var issue = document.getElementById("note-issue");
    if (state && issue && !typing) {
      issue.value = state.getAttribute("data-issue") || "";
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    syncClock();
    syncNoteCard();
    tick();
    setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSwap", function () {
    syncClock();
    syncNoteCard();
    tick();
  });
})();
