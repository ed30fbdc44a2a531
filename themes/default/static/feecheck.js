// The owners' fee check (prices/check/): answers as the owner types, keeps the inputs in the
// URL so an answer can be shared, and says the verdict in words in a live region. The page
// works without this script: it then shows the full table and how to read it.
(function () {
  "use strict";
  var SCALE = 10000; // compare amounts in ten-thousandths of a yuan, as the site generator does

  function halfWidth(text) {
    // Full-width digits, dot and ideographic full stop become ASCII; spaces and units go.
    return String(text || "")
      .replace(/[\uFF10-\uFF19\uFF0E]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[。．]/g, ".")
      .replace(/[\s\u3000]+/g, "")
      .replace(/(元\/?(平方米|㎡|m2)?(·|\/)?月?|平方米|㎡|m2|元)$/i, "");
  }

  // A non-negative decimal, or NaN; "" stays "" (not given).
  function parseAmount(text) {
    var folded = halfWidth(text);
    if (folded === "") { return ""; }
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(folded)) { return NaN; }
    return parseFloat(folded);
  }

  function units(amount) { return Math.round(amount * SCALE); }
  function yuan(amount) { return amount.toFixed(2); }
  function money(amount) {
    var parts = amount.toFixed(2).split(".");
    return parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + parts[1];
  }

  function verdict(fee, low, high) {
    var f = units(fee), lo = units(low), hi = units(high);
    if (f < lo) { return { kind: "below", diff: (lo - f) / SCALE, bound: low }; }
    if (f > hi) { return { kind: "above", diff: (f - hi) / SCALE, bound: high }; }
    return { kind: "within", diff: 0, bound: null };
  }

  function findRange(data, district, type, grade) {
    var wanted = [district, data.cityWide];
    for (var w = 0; w < wanted.length; w++) {
      for (var i = 0; i < data.rows.length; i++) {
        var r = data.rows[i];
        if (r[0] === wanted[w] && r[1] === type && r[2] === grade) {
          return { district: r[0], min: r[3], max: r[4] };
        }
      }
    }
    return null;
  }

  function para(text, className) {
    var p = document.createElement("p");
    if (className) { p.className = className; }
    p.textContent = text;
    return p;
  }

  function selectValue(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { select.selectedIndex = i; return true; }
    }
    return false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("fee-form");
    var source = document.getElementById("fc-data");
    var result = document.getElementById("fc-result");
    if (!form || !source || !result) { return; }
    var data = JSON.parse(source.textContent);
    var fields = {
      d: document.getElementById("fc-district"), t: document.getElementById("fc-type"),
      g: document.getElementById("fc-grade"), fee: document.getElementById("fc-fee"),
      area: document.getElementById("fc-area")
    };
    var noticeLink = document.querySelector(".source a");

    function show(blocks, kind) {
      while (result.firstChild) { result.removeChild(result.firstChild); }
      for (var i = 0; i < blocks.length; i++) { result.appendChild(blocks[i]); }
      if (kind) { result.setAttribute("data-kind", kind); } else { result.removeAttribute("data-kind"); }
    }

    function keepInUrl(fee, area) {
      var params = new URLSearchParams();
      params.set("d", fields.d.value);
      params.set("t", fields.t.value);
      params.set("g", fields.g.value);
      if (fee !== "") { params.set("fee", fee); }
      if (area !== "") { params.set("area", area); }
      try {
        window.history.replaceState(null, "", "?" + params.toString() + window.location.hash);
      } catch (e) { /* a file:// page in some browsers: the answer still shows */ }
    }

    function update() {
      var fee = parseAmount(fields.fee.value);
      var area = parseAmount(fields.area.value);
      fields.fee.setAttribute("aria-invalid", isNaN(fee) ? "true" : "false");
      fields.area.setAttribute("aria-invalid", isNaN(area) || area === 0 ? "true" : "false");
      keepInUrl(isNaN(fee) ? halfWidth(fields.fee.value) : (fee === "" ? "" : String(fee)),
        isNaN(area) ? halfWidth(fields.area.value) : (area === "" ? "" : String(area)));
      var districtName = fields.d.options[fields.d.selectedIndex].text;
      var range = findRange(data, fields.d.value, fields.t.value, fields.g.value);
      var what = districtName + " " + fields.t.value + " " + fields.g.value;
      var basis = "依据：" + data.title + "（" + data.number + "，" + data.effective + "起施行）。";
      if (!range) {
        show([para("结论：现行文件没有列出" + what + "的参考价格。", "fc-verdict"), para(basis)], "none");
        return;
      }
      var where = range.district === data.cityWide ? "（" + districtName + "未单列，适用全市价格）" : "";
      var rangeText = "适用参考区间：" + what + " " + yuan(range.min) + "–" + yuan(range.max) + " 元/平方米·月" + where + "。";
      var blocks = [];
      var kind = "range";
      if (fee === "") {
        blocks.push(para("请填写物业费单价，即可对照参考区间。", "fc-verdict"));
      } else if (isNaN(fee)) {
        blocks.push(para("物业费单价请填写数字，如 1.20。", "fc-verdict"));
        kind = "invalid";
      } else {
        var v = verdict(fee, range.min, range.max);
        kind = v.kind;
        var said;
        if (v.kind === "within") {
          said = "结论：在参考区间内。您的物业费 " + yuan(fee) + " 元/平方米·月，在 " + yuan(range.min) + "–" + yuan(range.max) + " 元之间。";
        } else {
          var pct = (v.diff / v.bound * 100).toFixed(1);
          said = v.kind === "above"
            ? "结论：高于参考区间。您的物业费 " + yuan(fee) + " 元/平方米·月，比上限 " + yuan(range.max) + " 元高 " + yuan(v.diff) + " 元（高 " + pct + "%）。"
            : "结论：低于参考区间。您的物业费 " + yuan(fee) + " 元/平方米·月，比下限 " + yuan(range.min) + " 元低 " + yuan(v.diff) + " 元（低 " + pct + "%）。";
        }
        blocks.push(para(said, "fc-verdict"));
      }
      blocks.push(para(rangeText));
      if (isNaN(area) || area === 0) {
        blocks.push(para("建筑面积请填写大于 0 的数字，如 89.5。"));
      } else if (area !== "") {
        var amounts = "按建筑面积 " + area + " 平方米计算：";
        if (fee !== "" && !isNaN(fee)) {
          amounts += "每月 " + money(fee * area) + " 元，每年 " + money(fee * area * 12) + " 元；";
        }
        amounts += "按参考区间为每月 " + money(range.min * area) + "–" + money(range.max * area) + " 元，每年 " +
          money(range.min * area * 12) + "–" + money(range.max * area * 12) + " 元。";
        blocks.push(para(amounts));
      }
      var basisPara = para(basis);
      if (noticeLink) {
        basisPara.textContent = "依据：";
        var link = document.createElement("a");
        link.href = noticeLink.getAttribute("href");
        link.textContent = data.title;
        basisPara.appendChild(link);
        basisPara.appendChild(document.createTextNode("（" + data.number + "，" + data.effective + "起施行）。"));
      }
      blocks.push(basisPara);
      show(blocks, kind);
    }

    // Inputs from a shared link.
    var params = new URLSearchParams(window.location.search);
    if (params.has("d")) { selectValue(fields.d, params.get("d")); }
    if (params.has("t")) { selectValue(fields.t, params.get("t")); }
    if (params.has("g")) { selectValue(fields.g, params.get("g")); }
    if (params.has("fee")) { fields.fee.value = params.get("fee"); }
    if (params.has("area")) { fields.area.value = params.get("area"); }

    form.hidden = false;
    var nojs = document.getElementById("fc-nojs");
    if (nojs) { nojs.hidden = true; }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    update();
  });
})();
