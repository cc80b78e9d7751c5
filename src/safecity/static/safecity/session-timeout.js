// Warn two minutes before the idle session ends (CJIS AC-11, WCAG 2.2.1 Timing Adjustable) and let the
// user extend it; blank the page when it ends.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var dialog = document.getElementById("session-warning");
  if (!idle || !dialog) { return; }
  var warnAt = Math.max(idle - 120, 5) * 1000;
  var warnTimer, endTimer;
  function schedule() {
    clearTimeout(warnTimer); clearTimeout(endTimer);
    warnTimer = setTimeout(function () {
      dialog.hidden = false;
      var button = document.getElementById("session-extend");
      if (button) { button.focus(); }
    }, warnAt);
    endTimer = setTimeout(function () {
      document.getElementById("main-content").hidden = true;
      window.location.href = "/accounts/login/?ended=idle";
    }, idle * 1000);
  }
  document.getElementById("session-extend").addEventListener("click", function () {
    fetch("/accounts/keepalive/", { credentials: "same-origin" }).then(function () {
      dialog.hidden = true;
      schedule();
    });
  });
  schedule();
})();
