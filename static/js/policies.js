// Policies pages: small progressive enhancements; everything works without this file.
(function () {
  "use strict";
  // A boosted navigation brings this file back with its page's <head> (htmx head-support): bind once.
  var loaded = window.zqScripts = window.zqScripts || {};
  if (loaded["policies"]) { return; }
  loaded["policies"] = true;
  // htmx snapshots the page for the back button as HTML; typed values live in properties, not
  // attributes, so copy them into attributes first. Back from a document then shows the list exactly
  // as it was left, search text and filters included.
  document.addEventListener("htmx:beforeHistorySave", function () {
    document.querySelectorAll(".policy-filters input[type=search]").forEach(function (input) {
      input.setAttribute("value", input.value);
    });
    document.querySelectorAll(".policy-filters select").forEach(function (select) {
      Array.prototype.forEach.call(select.options, function (option) {
        if (option.selected) { option.setAttribute("selected", ""); } else { option.removeAttribute("selected"); }
      });
    });
  });
  // Leave empty filters out of live-search requests, so the pushed URL reads /policies/?q=彩礼 rather
  // than /policies/?q=彩礼&kind=&topic=&status=&year= (the server treats both the same).
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (event.detail.verb !== "get" || !elt.closest || !elt.closest(".policy-filters")) { return; }
    var params = event.detail.parameters;
    ["q", "kind", "topic", "status", "year"].forEach(function (name) {
      if (params[name] === "") { delete params[name]; }
    });
  });
  // Editor form: the live preview never aborts a request (htmx logs every abort as a console error), it
  // queues the newest one behind the request in flight (hx-sync="#article-preview:queue last"), so the last
  // preview always wins. Saving waits for none of them: once the form is submitted, no preview starts any
  // more (a pending "delay:" trigger or a queued one is cancelled quietly), and the typed text goes with the
  // save itself.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches(".article-form")) { form.setAttribute("data-saving", ""); }
  }, true);
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    var form = elt && elt.closest ? elt.closest(".article-form") : null;
    if (form && elt !== form && form.hasAttribute("data-saving")) { event.preventDefault(); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;  // a save that failed (network, 5xx) leaves the form in place: preview again
    if (elt && elt.matches && elt.matches(".article-form") && !event.detail.successful) { elt.removeAttribute("data-saving"); }
  });
  // A link to one FAQ entry (/policies/faq#faq-12, e.g. from site search) opens that answer.
  function openTargetFaq() {
    var match = /^#faq-\d+$/.exec(window.location.hash);
    var item = match && document.getElementById(window.location.hash.slice(1));
    if (item && item.tagName === "DETAILS") { item.open = true; }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", openTargetFaq); } else { openTargetFaq(); }
  window.addEventListener("hashchange", openTargetFaq);
  document.addEventListener("htmx:afterSettle", openTargetFaq);
  // After "加载更多" (the next items replace the control's <li>, and settle one by one), move focus to
  // the first newly added item so keyboard and screen-reader users continue where the new content starts.
  document.addEventListener("htmx:afterSettle", function (event) {
    var list = event.target && event.target.closest ? event.target.closest("#article-list") : null;
    if (!list) { return; }
    var fresh = list.querySelector("[data-first-new]");
    if (!fresh) { return; }
    fresh.removeAttribute("data-first-new");
    var link = fresh.querySelector("a");
    if (link) { link.focus(); }
  });
})();
