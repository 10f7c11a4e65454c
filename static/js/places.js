// 红色地名: the "附近" button. Progressive: without JavaScript the button stays hidden and the
// "离哪里近" select (a 镇街 centre) does the same job. Location is asked only when the button is tapped.
(function () {
  "use strict";

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

  document.addEventListener("DOMContentLoaded", setup);
  document.addEventListener("htmx:load", setup);
})();
