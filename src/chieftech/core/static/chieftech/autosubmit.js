/* A <select data-autosubmit> sends its form as soon as a choice is made (the acting authority switch).
   Without script the form's own button does the same. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("select[data-autosubmit]") || !field.form) { return; }
    if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
  });
})();
