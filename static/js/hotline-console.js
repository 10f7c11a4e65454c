// Counselor console enhancements (issue 13); every page works without this file.
(function () {
  "use strict";
  if (window.zqHotlineConsole) { return; } // a boosted navigation may bring this script again
  window.zqHotlineConsole = true;

  // 今日 refreshes itself: every 60 s while the tab is visible, and at once when it becomes visible again.
  // htmx listens for "today-poll" on <body> (hx-trigger filters would need eval, which is off).
  function pollToday() {
    if (document.visibilityState === "visible" && document.getElementById("today-list")) {
      document.body.dispatchEvent(new CustomEvent("today-poll"));
    }
  }
  window.setInterval(pollToday, 60000);
  document.addEventListener("visibilitychange", pollToday);

  // Canned note snippets: one tap inserts the text at the cursor (the select + 插入 button is the no-JS way).
  function insertAtCursor(field, text) {
    var start = field.selectionStart || 0;
    var end = field.selectionEnd || 0;
    var before = field.value.slice(0, start);
    var after = field.value.slice(end);
    var joiner = before && !/\n$/.test(before) ? "\n" : "";
    field.value = before + joiner + text + after;
    var caret = (before + joiner + text).length;
    field.focus();
    field.setSelectionRange(caret, caret);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-snippet]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-snippet-for") || "body");
    if (field) { event.preventDefault(); insertAtCursor(field, button.getAttribute("data-snippet")); }
  });
  function showSnippetChips(root) {
    (root || document).querySelectorAll("[data-snippet-chips]").forEach(function (chips) { chips.hidden = false; });
    (root || document).querySelectorAll("[data-snippet-nojs]").forEach(function (row) { row.hidden = true; });
  }

  // A note being written survives an expired session: kept in localStorage per case while typing,
  // restored into an empty note box, cleared once the server saved it. Never in a URL, never logged.
  function draftKey(field) { return "zq-note-draft:" + field.getAttribute("data-draft-key"); }
  function restoreDrafts(root) {
    (root || document).querySelectorAll("textarea[data-draft-key]").forEach(function (field) {
      var saved = null;
      try { saved = window.localStorage.getItem(draftKey(field)); } catch (e) { return; }
      if (saved && !field.value) {
        field.value = saved;
        var notice = document.getElementById(field.id + "-draft");
        if (notice) { notice.hidden = false; }
      }
    });
  }
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("textarea[data-draft-key]")) { return; }
    try {
      if (field.value) { window.localStorage.setItem(draftKey(field), field.value); } else { window.localStorage.removeItem(draftKey(field)); }
    } catch (e) { /* storage full or disabled: the server-side keeping still applies */ }
  });
  // The server marks a successful save with data-note-saved on the swapped case body.
  function clearSavedDrafts(root) {
    var scope = root || document;
    var saved = scope.querySelector ? scope.querySelector("[data-note-saved]") : null;
    if (saved) {
      try { window.localStorage.removeItem("zq-note-draft:" + saved.getAttribute("data-note-saved")); } catch (e) { /* ignore */ }
    }
  }
  function enhance(root) { clearSavedDrafts(root); showSnippetChips(root); restoreDrafts(root); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
  document.addEventListener("htmx:afterSettle", function () { enhance(document); });
})();
