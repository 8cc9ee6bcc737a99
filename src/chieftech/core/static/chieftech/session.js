/* Signed-in pages: a warning before the idle timeout ends the session, with "继续工作" asking the server to
   keep it going. The times come from the server (meta chieftech-idle), counted from this page's request. */
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="chieftech-idle"]');
  if (!meta) { return; }
  var warnMs = Number(meta.getAttribute("data-warn-seconds")) * 1000;
  var keepAliveUrl = meta.getAttribute("data-keepalive-url");
  var endsAt = Date.now() + Number(meta.getAttribute("content")) * 1000;
  var banner = null;
  var text = null;
  var button = null;
  var ended = false;

  function left(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    return seconds >= 60 ? Math.ceil(seconds / 60) + "分钟" : seconds + "秒";
  }

  function build() {
    banner = document.createElement("div");
    banner.className = "idle-warning";
    banner.setAttribute("role", "alert");
    banner.hidden = true;
    text = document.createElement("span");
    button = document.createElement("button");
    button.type = "button";
    button.className = "btn small";
    button.textContent = "继续工作";
    button.addEventListener("click", keepAlive);
    banner.appendChild(text);
    banner.appendChild(button);
    document.body.insertBefore(banner, document.body.firstChild);
  }

  function showEnded() {
    ended = true;
    banner.hidden = false;
    button.hidden = true;
    text.textContent = "由于长时间未操作，您已自动退出登录。本页填写的内容已暂存在此窗口，保存时请重新登录。";
  }

  function tick() {
    if (ended) { return; }
    var remaining = endsAt - Date.now();
    if (remaining <= 0) {
      showEnded();
    } else if (remaining <= warnMs) {
      text.textContent = "您已较长时间未操作，" + left(remaining) + "后将自动退出登录。";
      if (banner.hidden) {
        banner.hidden = false;
        button.focus({ preventScroll: true });
      }
    } else {
      banner.hidden = true;
    }
  }

  function csrfToken() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function keepAlive() {
    button.disabled = true;
    fetch(keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("ended"); }
      return response.json();
    }).then(function (data) {
      endsAt = Date.now() + Number(data.remaining) * 1000;
      tick();
    }).catch(function () {
      showEnded();
    }).then(function () {
      button.disabled = false;
    });
  }

  build();
  // Requests made without leaving the page (htmx) restart the server's idle time as well.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.successful) { endsAt = Date.now() + Number(meta.getAttribute("content")) * 1000; }
  });
  window.setInterval(tick, 1000);
  tick();
})();
