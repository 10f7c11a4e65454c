// Archivist console enhancements. Every feature also works without this file.
(function () {
  "use strict";
  // A boosted navigation brings this file back with its page's <head> (htmx head-support): bind once.
  var loaded = window.zqScripts = window.zqScripts || {};
  if (loaded["places-console"]) { return; }
  loaded["places-console"] = true;
  // After "再加一行" swaps the form, put the cursor in the first empty input of the new row.
  document.addEventListener("htmx:afterSwap", function (event) {
    var form = event.target && event.target.id === "place-form" ? event.target : null;
    var trigger = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!form || !trigger || trigger.name !== "add_row") { return; }
    var group = document.getElementById("rows-" + trigger.value);
    if (!group) { return; }
    var rows = group.querySelectorAll(".pc-row");
    var last = rows[rows.length - 1];
    var input = last && last.querySelector("input");
    if (input) { input.focus(); }
  });
})();
