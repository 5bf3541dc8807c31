// "Copy the link" buttons: <button data-copy="INPUT-ID" data-copy-status="STATUS-ID" hidden>.
// The button is shown only when this script runs; it copies the input's value to the clipboard
// and says so in the status element (a polite live region). No inline scripts: strict CSP.
(function () {
  "use strict";

  function fallbackCopy(input) {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function init(button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!input || !status) return;
    function say(text) {
      status.textContent = text;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        say("Copied. Paste it into your calendar program.");
      };
      var failed = function () {
        input.focus();
        input.select();
        say("Could not copy: the link is selected, copy it with Ctrl+C (or ⌘+C).");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          if (fallbackCopy(input)) done(); else failed();
        });
      } else if (fallbackCopy(input)) {
        done();
      } else {
        failed();
      }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
