// 「朗读全文」 (issue 11): reads a page's main text aloud with the browser's own speech synthesis (zh-CN
// voice, no network service), highlights the sentence being read, and can pause and stop. The controls are
// made here, so without JavaScript, or where the browser has no Chinese voice, nothing appears.
//
// Markup: an element with [data-read-aloud] is one text. It reads its <h1>, then the blocks inside its
// [data-read-aloud-part] elements when it has any, else all its blocks; [data-read-aloud-skip] is left out.
(function () {
  "use strict";
  // A boosted navigation brings this file back with its page's <head> (htmx head-support): bind once.
  var loaded = window.zqScripts = window.zqScripts || {};
  if (loaded["read-aloud"]) { return; }
  loaded["read-aloud"] = true;
  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") { return; }

  var BLOCKS = "h1, h2, h3, h4, p, li, dt, dd, summary, blockquote, td, th";
  var SENTENCE = /[^。！？；!?;\n]+[。！？；!?;]*[”’」』）)]*/g;
  var canHighlight = !!(window.CSS && CSS.highlights && window.Highlight);
  var current = null;  // {bar, queue, index, paused}

  function chineseVoice() {
    var voices = synth.getVoices() || [];
    var exact = voices.filter(function (v) { return /^zh[-_]CN/i.test(v.lang); });
    var any = voices.filter(function (v) { return /^(zh|cmn)/i.test(v.lang); });
    return exact[0] || any[0] || null;
  }

  function readable(root, el) {
    return !el.closest("[data-read-aloud-skip], .read-aloud-bar, .visually-hidden, [hidden]") &&
      !el.querySelector(BLOCKS) && el.closest("[data-read-aloud]") === root && el.textContent.trim();
  }

  function blocksOf(root) {
    var parts = root.querySelectorAll("[data-read-aloud-part]");
    var scopes = parts.length ? Array.prototype.slice.call(parts) : [root];
    var found = [];
    var heading = root.querySelector("h1");
    if (heading && parts.length) { found.push(heading); }
    scopes.forEach(function (scope) {
      scope.querySelectorAll(BLOCKS).forEach(function (el) { if (readable(root, el)) { found.push(el); } });
    });
    return found;
  }

  // Each sentence of a block as {text, block, range}: the range spans the block's text nodes, so the
  // sentence can be highlighted without changing the page.
  function sentencesOf(block) {
    var nodes = [], text = "", walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) { nodes.push({ node: walker.currentNode, start: text.length }); text += walker.currentNode.data; }
    function point(offset) {
      for (var i = nodes.length - 1; i >= 0; i--) {
        if (offset >= nodes[i].start) { return { node: nodes[i].node, offset: Math.min(offset - nodes[i].start, nodes[i].node.length) }; }
      }
      return { node: nodes[0].node, offset: 0 };
    }
    var out = [], match;
    SENTENCE.lastIndex = 0;
    while ((match = SENTENCE.exec(text)) !== null) {
      var said = match[0].trim();
      if (!said) { continue; }
      var range = document.createRange();
      var from = point(match.index), to = point(match.index + match[0].length);
      range.setStart(from.node, from.offset);
      range.setEnd(to.node, to.offset);
      out.push({ text: said, block: block, range: range });
    }
    return out;
  }

  function mark(item) {
    document.querySelectorAll(".read-aloud-current").forEach(function (el) { el.classList.remove("read-aloud-current"); });
    if (canHighlight) { CSS.highlights.delete("read-aloud"); }
    if (!item) { return; }
    if (canHighlight) { CSS.highlights.set("read-aloud", new Highlight(item.range)); }
    else { item.block.classList.add("read-aloud-current"); }
    var box = item.block.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) { item.block.scrollIntoView({ block: "center" }); }
  }

  function setState(bar, state) {
    bar.setAttribute("data-state", state);
    var start = bar.querySelector("[data-act=start]"), pause = bar.querySelector("[data-act=pause]");
    var stop = bar.querySelector("[data-act=stop]"), status = bar.querySelector(".read-aloud-status");
    start.hidden = state === "playing";
    start.textContent = state === "paused" ? "继续朗读" : "朗读全文";
    pause.hidden = state !== "playing";
    stop.hidden = state === "idle";
    status.textContent = state === "playing" ? "正在朗读" : state === "paused" ? "已暂停" : "";
  }

  function stop() {
    if (!current) { return; }
    var bar = current.bar;
    current = null;
    synth.cancel();
    mark(null);
    setState(bar, "idle");
  }

  function speakNext() {
    if (!current) { return; }
    var item = current.queue[current.index];
    if (!item) { stop(); return; }
    var run = current;
    var utterance = new SpeechSynthesisUtterance(item.text);
    utterance.lang = "zh-CN";
    var voice = chineseVoice();
    if (voice) { utterance.voice = voice; }
    utterance.rate = document.documentElement.classList.contains("elder") ? 0.85 : 0.95;
    utterance.onend = function () {
      if (current !== run || run.paused) { return; }
      run.index += 1;
      speakNext();
    };
    utterance.onerror = utterance.onend;
    mark(item);
    synth.speak(utterance);
  }

  function start(bar, root) {
    if (current && current.bar === bar && current.paused) {
      current.paused = false;
      synth.resume();
      setState(bar, "playing");
      return;
    }
    stop();
    var queue = [];
    blocksOf(root).forEach(function (block) { queue = queue.concat(sentencesOf(block)); });
    current = { bar: bar, queue: queue, index: 0, paused: false };
    synth.cancel();
    setState(bar, "playing");
    speakNext();
  }

  function button(act, label) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn read-aloud-btn";
    b.setAttribute("data-act", act);
    b.textContent = label;
    return b;
  }

  function addBar(root) {
    if (root.querySelector(".read-aloud-bar")) { return; }
    var bar = document.createElement("div");
    bar.className = "read-aloud-bar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "朗读");
    bar.appendChild(button("start", "朗读全文"));
    bar.appendChild(button("pause", "暂停"));
    bar.appendChild(button("stop", "停止"));
    var status = document.createElement("span");
    status.className = "read-aloud-status";
    status.setAttribute("role", "status");
    bar.appendChild(status);
    bar.addEventListener("click", function (event) {
      var act = event.target.closest("[data-act]");
      if (!act) { return; }
      var name = act.getAttribute("data-act");
      if (name === "start") { start(bar, root); }
      if (name === "pause" && current && current.bar === bar) { current.paused = true; synth.pause(); setState(bar, "paused"); }
      if (name === "stop") { stop(); }
    });
    var slot = root.querySelector("[data-read-aloud-bar]");
    var heading = root.querySelector("h1");
    if (slot) { slot.appendChild(bar); }
    else if (root.tagName === "DETAILS" && root.querySelector(":scope > div")) { root.querySelector(":scope > div").prepend(bar); }
    else if (heading) { heading.after(bar); }
    else { root.prepend(bar); }
    setState(bar, "idle");
  }

  function setup() {
    if (!chineseVoice()) { return; }
    document.querySelectorAll("[data-read-aloud]").forEach(addBar);
  }

  if (synth.addEventListener) { synth.addEventListener("voiceschanged", setup); }
  document.addEventListener("htmx:afterSettle", setup);
  document.addEventListener("htmx:beforeSwap", function (event) { if (event.detail.target === document.body) { stop(); } });
  window.addEventListener("pagehide", stop);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setup); } else { setup(); }
})();
