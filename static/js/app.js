// Small progressive enhancements. Everything works without this file.
(function () {
  "use strict";
  // Network failure during an htmx request: say so instead of failing silently.
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("htmx-alert");
    if (box) {
      box.innerHTML = "";
      var p = document.createElement("p");
      p.className = "alert alert-error";
      p.textContent = "网络不畅，请检查网络后重试。";
      box.appendChild(p);
    }
  });
  // Clear a stale alert when a new request succeeds.
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("htmx-alert");
    if (box) { box.innerHTML = ""; }
  });
  // "快速离开": replace this page in history with a neutral site.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-quick-exit]");
    if (!link) { return; }
    event.preventDefault();
    try { document.body.innerHTML = ""; } catch (e) { /* ignore */ }
    window.location.replace(link.getAttribute("href"));
  });
  // Focus the error summary after a form is re-rendered with errors.
  document.addEventListener("htmx:afterSettle", function (event) {
    var summary = event.target.querySelector && event.target.querySelector(".error-summary");
    if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
  });
})();
