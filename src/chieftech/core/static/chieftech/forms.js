/* Every page: the error summary (core/_error_summary.html) takes the focus, and its links move to their
   fields. */
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest('a[href^="#"]');
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      var details = target.closest("details");
      if (details) { details.open = true; }
      target.scrollIntoView({ block: "center" });
      target.focus({ preventScroll: true });
    });
  }

  focusErrorSummary();
})();
