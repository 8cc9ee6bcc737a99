/* The application form: the live character count of the deeds statement, "add a row" for the child
   tables, and the competition fields shown only for the competition route. Works without it too. */
(function () {
  "use strict";

  // Exactly the characters Python's str.split() treats as white space, so the count here equals the
  // server's deeds_char_count (non-white-space characters, counted as Unicode code points).
  var WHITE_SPACE = /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;

  function charCount(text) {
    return Array.from(text.replace(WHITE_SPACE, "")).length;
  }

  function setUpCounter(textarea) {
    var output = document.getElementById(textarea.dataset.deedsCounter);
    if (!output) { return; }
    var softMin = Number(textarea.dataset.softMin);
    var softMax = Number(textarea.dataset.softMax);
    var hardMax = Number(textarea.dataset.hardMax);
    var number = output.querySelector("[data-count]");
    var hint = document.createElement("span");
    hint.className = "count-hint";
    output.appendChild(hint);

    function update() {
      var count = charCount(textarea.value);
      var state, text;
      if (count > hardMax) {
        state = "count-bad";
        text = "超过上限" + hardMax + "字，请删减" + (count - hardMax) + "字后再保存";
      } else if (count > softMax) {
        state = "count-warn";
        text = "多于建议的" + softMin + "–" + softMax + "字";
      } else if (count < softMin) {
        state = "count-warn";
        text = "少于建议的" + softMin + "–" + softMax + "字";
      } else {
        state = "count-ok";
        text = "在建议范围内";
      }
      number.textContent = String(count);
      hint.textContent = text;
      output.classList.remove("count-ok", "count-warn", "count-bad");
      output.classList.add(state);
    }

    textarea.addEventListener("input", update);
    update();
  }

  function setUpFormset(container) {
    var prefix = container.dataset.formset;
    var total = container.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = container.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    var body = container.querySelector("[data-formset-body]");
    var template = container.querySelector("template[data-formset-empty]");
    var button = container.querySelector("[data-formset-add]");
    if (!total || !body || !template || !button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = Number(total.value);
      if (max && index >= Number(max.value)) { return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = body.lastElementChild.querySelector("input, select, textarea");
      if (first) { first.focus(); }
    });
  }

  function setUpRoute(form) {
    var fields = form.querySelector("[data-competition-fields]");
    var radios = form.querySelectorAll('input[name="route"]');
    if (!fields || !radios.length) { return; }
    function update() {
      var checked = form.querySelector('input[name="route"]:checked');
      fields.hidden = !(checked && checked.value === "competition");
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  function init() {
    document.querySelectorAll("textarea[data-deeds-counter]").forEach(setUpCounter);
    document.querySelectorAll("[data-formset]").forEach(setUpFormset);
    document.querySelectorAll("form.application-form").forEach(setUpRoute);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
