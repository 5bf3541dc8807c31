// The agenda editor: add, remove and reorder segments, and show each segment's start and end
// as the chair types. Without this script the page still works: position numbers reorder and
// "Remove this segment" drops one. No inline scripts: the page runs under a strict CSP.
(function () {
  "use strict";

  function minutesOf(hhmm) {
    var parts = hhmm.split(":");
    return parseInt(parts[0], 10) * 60 + parseInt(parts[1], 10);
  }

  function clock(total) {
    var day = ((total % 1440) + 1440) % 1440;
    var h = Math.floor(day / 60);
    var m = day % 60;
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function init(form) {
    var list = document.getElementById("agenda-segments");
    var template = document.getElementById("agenda-empty");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    var addButton = document.getElementById("agenda-add");
    var summary = document.getElementById("agenda-summary");
    var starts = minutesOf(form.getAttribute("data-starts"));
    var ends = minutesOf(form.getAttribute("data-ends"));
    if (ends <= starts) ends += 1440;
    var max = parseInt(form.getAttribute("data-max"), 10);

    function rows() {
      return Array.prototype.filter.call(list.children, function (li) {
        return !li.hidden;
      });
    }

    function field(li, name) {
      return li.querySelector("[data-agenda='" + name + "']");
    }

    function refresh() {
      var at = starts;
      var kept = rows();
      kept.forEach(function (li, i) {
        field(li, "number").textContent = String(i + 1);
        field(li, "order").value = String(i + 1);
        field(li, "up").disabled = i === 0;
        field(li, "down").disabled = i === kept.length - 1;
        var length = parseInt(field(li, "minutes").value, 10);
        var times = field(li, "times");
        if (isNaN(length) || length < 1) {
          times.textContent = "";
          return;
        }
        times.textContent = clock(at) + "–" + clock(at + length);
        li.classList.toggle("overrun", at + length > ends);
        at += length;
      });
      var used = at - starts;
      var room = ends - starts;
      if (used > room) {
        summary.textContent =
          "Ends at " + clock(at) + ", " + plural(used - room, "minute", "minutes") +
          " after the meeting ends (" + clock(ends) + "). Shorten a segment or remove one.";
      } else if (used < room) {
        summary.textContent =
          "Ends at " + clock(at) + ", " + plural(room - used, "minute", "minutes") +
          " before the meeting ends (" + clock(ends) + ").";
      } else {
        summary.textContent = "Ends at " + clock(at) + ", when the meeting ends.";
      }
      addButton.disabled = parseInt(total.value, 10) >= max;
    }

    function wire(li) {
      if (field(li, "delete").checked) li.hidden = true;
      li.querySelectorAll(".agenda-fallback").forEach(function (el) {
        el.hidden = true;
      });
      li.querySelector(".agenda-controls").hidden = false;
    }

    list.addEventListener("input", refresh);
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-agenda]");
      if (!button) return;
      var li = button.closest("[data-segment]");
      var action = button.getAttribute("data-agenda");
      var kept = rows();
      var i = kept.indexOf(li);
      if (action === "up" && i > 0) {
        list.insertBefore(li, kept[i - 1]);
        button.focus();
      } else if (action === "down" && i < kept.length - 1) {
        list.insertBefore(li, kept[i + 1].nextSibling);
        button.focus();
      } else if (action === "remove") {
        field(li, "delete").checked = true;
        li.hidden = true;
        var next = kept[i + 1] || kept[i - 1];
        if (next) field(next, "minutes").focus();
        else addButton.focus();
      }
      refresh();
    });

    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= max) return;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("ol");
      holder.innerHTML = html;
      var li = holder.firstElementChild;
      list.appendChild(li);
      total.value = String(index + 1);
      wire(li);
      refresh();
      li.querySelector("input[name$='-title']").focus();
    });

    Array.prototype.forEach.call(list.children, wire);
    form.querySelectorAll(".agenda-fallback").forEach(function (el) {
      el.hidden = true;
    });
    addButton.hidden = false;
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("agenda-form");
    if (form) init(form);
  });
})();
