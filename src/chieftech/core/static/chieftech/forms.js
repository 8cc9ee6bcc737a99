/* Every page: the error summary (core/_error_summary.html) takes the focus, and its links move to their
   fields; forms marked data-keep-draft keep what is typed in this tab's sessionStorage, so that a save
   refused because the session had ended can be restored after signing in again. */
(function () {
  "use strict";

  var PREFIX = "chieftech.draft:";
  var PENDING = "chieftech.draft.pending";
  var RESTORED_NOTICE = "已恢复您上次未保存的内容，请核对后保存";
  // Never kept: files cannot be, passwords must not be, the CSRF token is renewed by the login.
  var SKIPPED_TYPES = ["file", "password", "submit", "button", "reset", "image"];

  function store() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function read(key) {
    var s = store();
    if (!s) { return null; }
    try { return JSON.parse(s.getItem(key)); } catch (e) { return null; }
  }

  function write(key, value) {
    var s = store();
    if (!s) { return; }
    try { s.setItem(key, JSON.stringify(value)); } catch (e) { /* full or disabled: nothing kept */ }
  }

  function remove(key) {
    var s = store();
    if (s) { s.removeItem(key); }
  }

  function draftKey(form) {
    var name = form.getAttribute("data-keep-draft");
    return PREFIX + window.location.pathname + (name ? "#" + name : "");
  }

  function kept(el) {
    var type = (el.type || "").toLowerCase();
    if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") { return false; }
    if (SKIPPED_TYPES.indexOf(type) !== -1) { return false; }
    // Of the hidden inputs only a formset's row count: rows added in the browser are added again.
    return type !== "hidden" || /-TOTAL_FORMS$/.test(el.name);
  }

  function collect(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!kept(el)) { return; }
      var list = values[el.name] || (values[el.name] = []);
      var type = (el.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        if (el.checked) { list.push(el.value); }
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { list.push(o.value); });
      } else {
        list.push(el.value);
      }
    });
    return values;
  }

  function addFormsetRows(form, values) {
    form.querySelectorAll("[data-formset]").forEach(function (container) {
      var prefix = container.getAttribute("data-formset");
      var total = container.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
      var button = container.querySelector("[data-formset-add]");
      var saved = values[prefix + "-TOTAL_FORMS"];
      if (!total || !button || !saved) { return; }
      while (Number(total.value) < Number(saved[0])) {
        var before = total.value;
        button.click();
        if (total.value === before) { return; }
      }
    });
  }

  function restore(form, values) {
    addFormsetRows(form, values);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!kept(el) || el.type === "hidden" || !Object.prototype.hasOwnProperty.call(values, el.name)) {
        return;
      }
      var list = values[el.name];
      var type = (el.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        el.checked = list.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = list.indexOf(o.value) !== -1; });
      } else if (list.length) {
        el.value = list.shift();
      }
      // Let the page's own scripts (the character count, the competition fields) catch up.
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    var notice = document.createElement("p");
    notice.className = "msg msg-info draft-restored";
    notice.setAttribute("role", "status");
    notice.textContent = RESTORED_NOTICE;
    form.parentNode.insertBefore(notice, form);
  }

  function keepDrafts() {
    var signedIn = !!document.querySelector('meta[name="chieftech-idle"]');
    var pending = read(PENDING);
    if (pending) {
      if (!signedIn) {
        // The save met the login page: it never arrived, so the copy is kept for after the login.
        pending.interrupted = true;
        write(PENDING, pending);
      } else {
        remove(PENDING);
        if (!pending.interrupted && !document.querySelector("[data-error-summary]")) {
          remove(pending.key);  // saved
        }
      }
    }
    var restoring = document.body.hasAttribute("data-draft-restore");
    document.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
      var key = draftKey(form);
      var values = read(key);
      if (restoring && values) { restore(form, values); }
      function save() { write(key, collect(form)); }
      form.addEventListener("input", save);
      form.addEventListener("change", save);
      form.addEventListener("submit", function () {
        save();
        write(PENDING, { key: key });
      });
    });
    document.querySelectorAll("form[data-logout]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var s = store();
        if (!s) { return; }
        for (var i = s.length - 1; i >= 0; i--) {
          var k = s.key(i);
          if (k && (k.indexOf(PREFIX) === 0 || k === PENDING)) { s.removeItem(k); }
        }
      });
    });
  }

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
  // After every deferred script has run: the restore uses the page's own "add a row" buttons.
  if (document.readyState === "complete") {
    keepDrafts();
  } else {
    document.addEventListener("DOMContentLoaded", keepDrafts);
  }
})();
