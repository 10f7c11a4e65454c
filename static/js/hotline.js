// Hotline enhancements; every page works without this file.
(function () {
  "use strict";
  // A boosted navigation brings this file back with its page's <head> (htmx head-support): bind once.
  var loaded = window.zqScripts = window.zqScripts || {};
  if (loaded["hotline"]) { return; }
  loaded["hotline"] = true;
  // Characters left in the description (the server enforces the limit too).
  function updateCounts(root) {
    var outputs = (root || document).querySelectorAll("[data-count-for]");
    outputs.forEach(function (out) {
      var field = document.getElementById(out.getAttribute("data-count-for"));
      if (!field) { return; }
      var max = parseInt(field.getAttribute("data-maxlength"), 10) || 500;
      var left = max - field.value.length;
      out.textContent = left >= 0 ? "还可以写 " + left + " 个字" : "超出 " + (-left) + " 个字，请删减";
      out.classList.toggle("error-message", left < 0);
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-maxlength]")) { updateCounts(); }
  });
  // Loaded late by a boosted navigation (app.js): the document is ready already, so count now.
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", function () { updateCounts(); }); } else { updateCounts(); }
  document.addEventListener("htmx:afterSettle", function (event) { updateCounts(event.target); });
  // One tap sends the booking: stop a second tap from sending it again while the first is on its way.
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector && event.target.querySelector("[data-disable-on-submit]");
    if (button) {
      window.setTimeout(function () { button.setAttribute("disabled", "disabled"); button.textContent = "正在提交…"; }, 0);
    }
  });
  // Esc twice quickly also leaves the page (as on many support sites).
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 800) {
      var exit = document.querySelector("[data-quick-exit]");
      if (exit) { exit.click(); }
    }
    lastEscape = now;
  });
})();
