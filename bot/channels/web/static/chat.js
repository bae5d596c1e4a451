/* Camino web chat: quick exit without a way back, and keeping the newest message in view. */
(function () {
  "use strict";

  var EXIT_URL = "/chat/exit";
  var NEUTRAL_URL = "/weather";

  function quickExit(event) {
    if (event) { event.preventDefault(); }
    try {
      // Tell the server to forget this session even while the page goes away.
      if (!navigator.sendBeacon || !navigator.sendBeacon(EXIT_URL)) {
        fetch(EXIT_URL, { method: "POST", credentials: "same-origin", keepalive: true });
      }
    } catch (ignored) { /* the neutral page clears the session too */ }
    // replace(): the chat leaves the history, so Back does not return to it.
    window.location.replace(NEUTRAL_URL);
  }

  function showNewest(focus) {
    var newest = document.getElementById("now");
    if (!newest) { return; }
    newest.scrollIntoView({ block: "center" });
    if (focus) { newest.focus({ preventScroll: true }); }
  }

  var escapes = 0;
  var firstEscape = 0;
  function onKey(event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - firstEscape > 2000) { firstEscape = now; escapes = 0; }
    escapes += 1;
    if (escapes >= 3) { quickExit(); }
  }

  // The print button works only with scripts; without them the browser's own print does.
  function showPrint() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i += 1) { buttons[i].hidden = false; }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("#quick-exit")) { quickExit(event); }
    if (target && target.closest && target.closest("[data-print]")) { window.print(); }
  });
  document.addEventListener("keydown", onKey);
  document.addEventListener("htmx:afterSettle", function () {
    var chat = document.getElementById("chat");
    if (chat && chat.lang) { document.documentElement.lang = chat.lang; }
    showPrint();
    showNewest(true);
  });
  document.addEventListener("DOMContentLoaded", function () { showPrint(); showNewest(false); });
})();
