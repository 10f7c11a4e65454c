// 红色地名: the "附近" button. Progressive: without JavaScript the button stays hidden and the
// "离哪里近" select (a 镇街 centre) does the same job. Location is asked only when the button is tapped.
(function () {
  "use strict";
  // A boosted navigation brings this file back with its page's <head> (htmx head-support): bind once.
  var loaded = window.zqScripts = window.zqScripts || {};
  if (loaded["places"]) { return; }
  loaded["places"] = true;

  function setup() {
    var button = document.getElementById("near-me");
    var form = document.getElementById("place-search");
    if (!button || !form || !("geolocation" in navigator) || button.dataset.ready) { return; }
    button.dataset.ready = "1";
    button.hidden = false;
    var status = document.getElementById("near-status");
    var near = form.querySelector("select[name=near]");
    var sort = form.querySelector("select[name=sort]");

    function say(text) { if (status) { status.textContent = text; } }

    function submit() {
      if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.submit(); }
    }

    button.addEventListener("click", function () {
      say("正在获取您的位置…");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        button.disabled = false;
        var value = pos.coords.latitude.toFixed(5) + "," + pos.coords.longitude.toFixed(5);
        var option = near.querySelector("option[data-mine]");
        if (!option) {
          option = document.createElement("option");
          option.setAttribute("data-mine", "1");
          option.textContent = "您的位置";
          near.insertBefore(option, near.options[1] || null);
        }
        option.value = value;
        near.value = value;
        sort.value = "distance";
        say("已按离您的距离排序。");
        submit();
      }, function () {
        button.disabled = false;
        say("没有获取到位置。请在“筛选和排序”中选择离您近的镇街。");
        var details = form.querySelector("details.filters");
        if (details) { details.open = true; }
        sort.value = "distance";
        near.focus();
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
    });
  }

  // Loaded late by a boosted navigation (app.js): the document is ready already, so set up now.
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setup); } else { setup(); }
  document.addEventListener("htmx:load", setup);
})();

// Photos: a tap opens the large photo over the page, with its caption and a close button; without
// JavaScript the link opens the photo's own page (caption, source, back link).
(function () {
  "use strict";
  // A boosted navigation brings this file back with its page's <head> (htmx head-support): bind once.
  var loaded = window.zqScripts = window.zqScripts || {};
  if (loaded["places-photos"]) { return; }
  loaded["places-photos"] = true;
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-lightbox]");
    if (!link || typeof HTMLDialogElement !== "function" || event.ctrlKey || event.metaKey) { return; }
    event.preventDefault();
    var figure = link.closest("figure");
    var caption = figure && figure.querySelector("figcaption");
    var dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", caption ? caption.textContent.trim() : "照片");
    var img = document.createElement("img");
    img.src = link.getAttribute("data-lightbox");
    img.alt = (link.querySelector("img") || {}).alt || "";
    dialog.appendChild(img);
    if (caption) {
      var text = document.createElement("p");
      text.textContent = caption.textContent.trim();
      dialog.appendChild(text);
    }
    var row = document.createElement("p");
    row.className = "button-row";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn";
    close.textContent = "关闭";
    close.addEventListener("click", function () { dialog.close(); });
    var page = document.createElement("a");
    page.href = link.href;
    page.textContent = "照片页面";
    row.appendChild(close);
    row.appendChild(page);
    dialog.appendChild(row);
    dialog.addEventListener("close", function () { dialog.remove(); link.focus(); });
    document.body.appendChild(dialog);
    dialog.showModal();
    close.focus();
  });
})();
