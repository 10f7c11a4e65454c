// Small progressive enhancements. Everything works without this file.
(function () {
  "use strict";
  // A boosted navigation brings this file back with its page's <head> (htmx head-support): bind once.
  var loaded = window.zqScripts = window.zqScripts || {};
  if (loaded["app"]) { return; }
  loaded["app"] = true;
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
  // Destructive one-click actions (issue 13, app/web/confirm.py): a form with hx-confirm asks in a native
  // <dialog> naming the thing (确定/取消) instead of window.confirm; 确定 sends it with confirm=yes. Without
  // JavaScript the server asks on a page instead.
  document.addEventListener("htmx:confirm", function (event) {
    var detail = event.detail || {};
    if (!detail.question || typeof HTMLDialogElement !== "function") { return; }
    event.preventDefault();
    var trigger = document.activeElement;
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-text");
    var title = document.createElement("h2");
    title.id = "confirm-dialog-title";
    title.textContent = "请确认";
    var text = document.createElement("p");
    text.id = "confirm-dialog-text";
    text.textContent = detail.question;
    var row = document.createElement("p");
    row.className = "button-row";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "btn btn-danger";
    yes.textContent = "确定";
    var no = document.createElement("button");
    no.type = "button";
    no.className = "btn btn-secondary";
    no.textContent = "取消";
    row.appendChild(yes);
    row.appendChild(no);
    dialog.appendChild(title);
    dialog.appendChild(text);
    dialog.appendChild(row);
    var answered = false;
    yes.addEventListener("click", function () { answered = true; dialog.close(); });
    no.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () {
      dialog.remove();
      if (answered) {
        detail.elt.zqConfirmed = true;
        detail.issueRequest(true);
      } else if (trigger && trigger.isConnected) {
        trigger.focus();
      }
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    no.focus();  // the safe answer has the focus; Esc cancels too
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.zqConfirmed) {
      elt.zqConfirmed = false;
      event.detail.parameters.confirm = "yes";
    }
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
  // A boosted link or form that loads a whole page must behave like a plain page load (issue 11): open at
  // the top with focus on the new <h1>, so screen readers announce the page. Swaps into part of a page
  // (live results, "加载更多") target an element inside <body> and keep their position. An error summary
  // on the new page takes the focus instead (the handler above).
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    if (!detail.boosted || event.target !== document.body) { return; }
    window.scrollTo(0, 0);
    if (document.querySelector(".error-summary")) { return; }
    var heading = document.querySelector("main h1") || document.getElementById("main");
    if (!heading) { return; }
    if (!heading.hasAttribute("tabindex")) { heading.setAttribute("tabindex", "-1"); }
    heading.focus({ preventScroll: true });
  });
  // Back to a list with live filters: the results come from htmx's snapshot (or the URL), so set the
  // form's fields from the URL too; a form marked data-url-state then always matches what it shows.
  function restoreFromUrl() {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll("form[data-url-state]").forEach(function (form) {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === "hidden" || field.type === "submit" || field.type === "button") { return; }
        var value = params.get(field.name) || "";
        if (field.tagName === "SELECT") {
          var option = Array.prototype.find.call(field.options, function (o) { return o.value === value; });
          field.value = option ? value : (field.options[0] ? field.options[0].value : "");
        } else if (field.type === "checkbox" || field.type === "radio") {
          field.checked = params.getAll(field.name).indexOf(field.value) !== -1;
        } else {
          field.value = value;
        }
      });
    });
  }
  document.addEventListener("htmx:historyRestore", restoreFromUrl);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { restoreFromUrl(); } });
  // 长辈模式 switch with JS on a page with a form being filled: flip the class on <html> in place, so the
  // page, its scroll position and anything typed stay as they are; the same POST sets the cookie.
  function syncElderSwitch() {
    var on = document.documentElement.classList.contains("elder");
    document.querySelectorAll("form.elder-toggle").forEach(function (form) {
      var mode = form.querySelector("input[name=mode]");
      var button = form.querySelector("button");
      if (mode) { mode.value = on ? "off" : "on"; }
      if (button) {
        button.textContent = on ? "标准模式" : "长辈模式";
        button.setAttribute("aria-pressed", on ? "true" : "false");
      }
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.elder-toggle") || !window.fetch) { return; }
    // Only where something may be typed (a POST form on the page); elsewhere the plain post reloads the same
    // page, which also brings content that differs by mode (the home page's hotline box).
    if (!document.querySelector("main form[method=post]")) { return; }
    event.preventDefault();
    var turnOn = (form.querySelector("input[name=mode]") || {}).value === "on";
    window.fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual"
    }).then(function (response) {
      if (response.type !== "opaqueredirect" && !response.ok) { form.submit(); return; }
      document.documentElement.classList.toggle("elder", turnOn);
      syncElderSwitch();
      var button = form.querySelector("button");
      if (button) { button.focus(); }
    }, function () { form.submit(); });
  });
  document.addEventListener("htmx:historyRestore", syncElderSwitch);
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target === document.body) { syncElderSwitch(); }
  });
})();
