// Audit page: save a criterion's score without reloading the page.
// Without JavaScript (or when anything unexpected comes back) the form posts as usual and
// the server answers with the whole page, so this file only makes saving smoother.
(function () {
  "use strict";

  function setText(parent, selector, text) {
    var node = parent.querySelector(selector);
    if (node) { node.textContent = text; }
  }

  function message(form, text, isError) {
    var box = form.parentNode.querySelector("[data-message]");
    if (!box) { return; }
    box.textContent = "";
    var p = document.createElement("p");
    p.className = isError ? "error" : "done";
    p.setAttribute("role", isError ? "alert" : "status");
    p.textContent = isError ? "Niet gelukt: " + text : text;
    box.appendChild(p);
  }

  function showOpen(open) {
    var box = document.getElementById("nog-open");
    if (!box) { return; }
    box.textContent = "";
    var p = document.createElement("p");
    if (open.length === 0) {
      p.textContent = "Alle criteria zijn gescoord.";
      box.appendChild(p);
      return;
    }
    var count = document.createElement("strong");
    count.textContent = String(open.length);
    p.appendChild(count);
    p.appendChild(document.createTextNode(" criteria nog open:"));
    var list = document.createElement("ul");
    open.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#criterium-" + item.id;
      a.textContent = item.label;
      li.appendChild(a);
      list.appendChild(li);
    });
    box.appendChild(p);
    box.appendChild(list);
  }

  function showAdvice(advice) {
    var box = document.getElementById("advies");
    if (!box) { return; }
    var heading = box.querySelector("h3");
    box.textContent = "";
    if (heading) { box.appendChild(heading); }
    var p = document.createElement("p");
    if (!advice) {
      p.textContent = "Het advies volgt zodra alle criteria gescoord zijn.";
      box.appendChild(p);
      return;
    }
    var label = document.createElement("strong");
    label.textContent = advice.label;
    p.className = "advice";
    p.appendChild(label);
    box.appendChild(p);
    var list = document.createElement("ul");
    advice.reasons.forEach(function (reason) {
      var li = document.createElement("li");
      li.textContent = reason;
      list.appendChild(li);
    });
    box.appendChild(list);
    if (advice.rules) {
      var rules = document.createElement("p");
      rules.className = "help";
      rules.textContent = "Uit de " + advice.rules + ".";
      box.appendChild(rules);
    }
  }

  function saved(form, data) {
    var article = form.closest(".criterion");
    if (article) {
      setText(article, "[data-status]", data.status);
      article.classList.toggle("is-open", data.open.some(function (item) {
        return item.id === data.criterion;
      }));
    }
    message(form, "Opgeslagen.", false);
    showOpen(data.open);
    showAdvice(data.advice);
  }

  function submit(event) {
    var form = event.target;
    if (!window.fetch || !window.FormData) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    var token = form.querySelector("input[name=csrf_token]");
    if (button) { button.disabled = true; }
    message(form, "Bezig met opslaan…", false);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRF-Token": token ? token.value : ""}
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (type.indexOf("application/json") !== 0) { throw new Error("geen JSON"); }
      return response.json().then(function (data) {
        if (response.ok) { saved(form, data); } else { message(form, data.detail, true); }
      });
    }).catch(function () {
      form.submit();  // let the server's page explain (e.g. an expired session)
    }).finally(function () {
      if (button) { button.disabled = false; }
    });
  }

  document.querySelectorAll("form.score-form").forEach(function (form) {
    form.addEventListener("submit", submit);
  });
})();
