// Small progressive enhancements; every page works without this script.
(function () {
  "use strict";
  var KEY = "elder-mode";
  var root = document.documentElement;
  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  root.classList.add("js");
  if (stored()) { root.classList.add("elder"); }
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("elder-toggle");
    if (toggle) {
      toggle.hidden = false;
      toggle.setAttribute("aria-pressed", root.classList.contains("elder") ? "true" : "false");
      toggle.addEventListener("click", function () {
        var on = !root.classList.contains("elder");
        root.classList.toggle("elder", on);
        toggle.setAttribute("aria-pressed", on ? "true" : "false");
        try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
      });
    }
    var filter = document.getElementById("company-filter");
    if (filter && window.fetch) { companyFilter(filter); }
    var printers = document.querySelectorAll("[data-print]");
    for (var i = 0; i < printers.length; i++) {
      printers[i].hidden = false;
      printers[i].addEventListener("click", function () { window.print(); });
    }
  });

  // The company directory: combine name, district, grade and list instantly. The static,
  // paginated filter pages stay in place for readers without JavaScript.
  function companyFilter(form) {
    var results = document.getElementById("company-results");
    var status = document.getElementById("filter-status");
    var rootPath = form.getAttribute("data-root");
    var companies = null;
    var lastQuery = "";
    var live = document.createElement("div");
    live.className = "table-wrap";
    live.hidden = true;
    results.parentNode.insertBefore(live, results);
    function cell(tag, text) {
      var node = document.createElement(tag);
      if (text !== undefined) { node.textContent = text; }
      return node;
    }
    function badge(className, text) {
      var span = cell("span", text);
      span.className = className;
      return span;
    }
    function render() {
      var name = form.elements.name.value.trim().toLowerCase();
      var district = form.elements.district.value;
      var grade = form.elements.grade ? form.elements.grade.value : "";
      var list = form.elements.list ? form.elements.list.value : "";
      // A text field also fires "change" when it loses focus, i.e. while a result link is being
      // clicked: rebuilding the table then would swallow the click, so only redraw on a new query.
      var query = [name, district, grade, list].join("\u0001");
      if (query === lastQuery) { return; }
      lastQuery = query;
      if (!name && !district && !grade && !list) {
        live.hidden = true; results.hidden = false; status.textContent = "";
        return;
      }
      var chosen = companies.filter(function (c) {
        return (!name || c.name.toLowerCase().indexOf(name) >= 0 || c.code.toLowerCase().indexOf(name) >= 0) &&
          (!district || c.district === district) &&
          (!grade || (grade === "-" ? c.grade === "" : c.grade === grade)) &&
          (!list || c.list === list);
      });
      var table = cell("table");
      table.appendChild(cell("caption", "筛选结果：" + chosen.length + " 家企业"));
      var head = cell("tr");
      ["企业名称", "所属旗县区", "法定代表人", "信用等级", "红黑榜", "服务小区数"].forEach(function (h) {
        var th = cell("th", h); th.scope = "col"; head.appendChild(th);
      });
      table.appendChild(cell("thead")).appendChild(head);
      var body = table.appendChild(cell("tbody"));
      chosen.forEach(function (c) {
        var tr = body.appendChild(cell("tr"));
        var th = tr.appendChild(cell("th")); th.scope = "row";
        var a = th.appendChild(cell("a", c.name)); a.href = rootPath + "companies/" + c.code + "/";
        tr.appendChild(cell("td", c.district_name));
        tr.appendChild(cell("td", c.legal_rep));
        var g = tr.appendChild(cell("td"));
        if (c.grade) { g.appendChild(badge("grade", c.grade + " 级")); } else { g.appendChild(badge("muted", "未评价")); }
        var l = tr.appendChild(cell("td"));
        if (c.list === "红榜") { l.appendChild(badge("tag tag-red", "红榜")); }
        else if (c.list === "黑榜") { l.appendChild(badge("tag tag-black", "黑榜")); }
        else { l.textContent = "—"; }
        tr.appendChild(cell("td", String(c.communities)));
      });
      if (!chosen.length) {
        var none = body.appendChild(cell("tr")).appendChild(cell("td", "没有符合条件的企业。"));
        none.colSpan = 6;
      }
      live.replaceChildren(table);
      live.hidden = false; results.hidden = true;
      status.textContent = "找到 " + chosen.length + " 家企业";
    }
    fetch(form.getAttribute("data-source")).then(function (r) { return r.json(); }).then(function (data) {
      companies = data;
      form.hidden = false;
      form.addEventListener("input", render);
      form.addEventListener("change", render);
      form.addEventListener("reset", function () { window.setTimeout(render, 0); });
      form.addEventListener("submit", function (e) { e.preventDefault(); render(); });
    }).catch(function () { /* the static filter pages still work */ });
  }
})();
