// The search page: the query half of search/tokenize.py, run over the static shards in
// search/. Fetches the manifest, then only the shards of the query's terms, then the few
// result-line files of the results shown. No framework, nothing from other hosts.
(function () {
  "use strict";
  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var RUNS = new RegExp("([" + HAN + "]+)|([a-z0-9]+)", "g");
  var ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  var SHOWN = 20; // results per group before "show more"

  var form = document.getElementById("search-form");
  if (!form) { return; }
  var base = form.getAttribute("data-index");
  var root = form.getAttribute("data-root");
  var input = document.getElementById("search-q");
  var kindSelect = document.getElementById("search-kind");
  var districtSelect = document.getElementById("search-district");
  var statusBox = document.getElementById("search-status");
  var codeBox = document.getElementById("search-code");
  var resultsBox = document.getElementById("search-results");
  var cache = {}; // url -> Promise of parsed JSON: a shard is fetched once per page
  var manifest = null;
  var syllables = null;
  var longest = 0;
  var generation = 0;

  function getJSON(name) {
    var url = base + name + (manifest ? "?v=" + manifest.stamp : "");
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(r.status + " " + url); }
        return r.json();
      });
    }
    return cache[url];
  }

  // ---- the shared tokenizer, query side (mirrors search/tokenize.py) ----
  function normalize(text) { return text.normalize("NFKC").toLowerCase(); }

  function runs(text) {
    var out = [], m;
    RUNS.lastIndex = 0;
    while ((m = RUNS.exec(text)) !== null) { out.push(m); }
    return out;
  }

  function segmentLetters(letters) {
    var n = letters.length, best = new Array(n + 1), step = new Array(n + 1);
    best[n] = 0;
    for (var i = n - 1; i >= 0; i--) {
      best[i] = n + 1; step[i] = 1;
      for (var len = Math.min(longest, n - i); len >= 1; len--) {
        if ((len === 1 || syllables[letters.substr(i, len)]) && 1 + best[i + len] < best[i]) {
          best[i] = 1 + best[i + len]; step[i] = len;
        }
      }
    }
    var units = [];
    for (var j = 0; j < n; j += step[j]) { units.push(letters.substr(j, step[j])); }
    return units;
  }

  function reading(found, initialsOnly) {
    var terms = [], pending = [];
    function flush() {
      if (pending.length === 1) { terms.push("p:" + pending[0]); }
      for (var i = 0; i + 1 < pending.length; i++) { terms.push("p:" + pending[i] + "." + pending[i + 1]); }
      pending = [];
    }
    found.forEach(function (m) {
      var han = m[1], other = m[2], chars;
      if (han) {
        flush();
        chars = Array.from(han);
        if (chars.length === 1) { terms.push(han); }
        for (var i = 0; i + 1 < chars.length; i++) { terms.push(chars[i] + chars[i + 1]); }
      } else if (/[0-9]/.test(other)) {
        flush();
        terms.push("n:" + other);
      } else {
        pending = pending.concat(initialsOnly ? other.split("") : segmentLetters(other));
      }
    });
    flush();
    return terms.filter(function (t, i) { return terms.indexOf(t) === i; });
  }

  // Mirrors query_terms(): the pinyin reading, plus an initials-only reading when the letters
  // had to be split into single letters somewhere.
  function queryTerms(query) {
    var found = runs(normalize(query)), compact = "", single = false;
    found.forEach(function (m) {
      compact += m[0];
      if (m[2] && !/[0-9]/.test(m[2])) {
        segmentLetters(m[2]).forEach(function (u) { if (u.length === 1) { single = true; } });
      }
    });
    var readings = [reading(found, false)];
    if (single) {
      var initials = reading(found, true);
      if (initials.join(" ") !== readings[0].join(" ")) { readings.push(initials); }
    }
    var isCode = Array.from(compact).length === 18 && /[0-9]/.test(compact);
    var code = isCode ? compact.toUpperCase() : "";
    if (!readings[0].length) { return { readings: [], exact: "", code: code }; }
    return { readings: readings, exact: "=" + compact, code: code };
  }

  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0; }
    return h >>> 0;
  }

  function verifyCode(code) {
    for (var i = 0; i < 18; i++) {
      if (ALPHABET.indexOf(code[i]) < 0) {
        return { ok: false, reason: "含有不允许的字符 " + code[i] + "（代码不使用 I、O、Z、S、V）" };
      }
    }
    var total = 0;
    for (var k = 0; k < 17; k++) { total += ALPHABET.indexOf(code[k]) * WEIGHTS[k]; }
    var expected = ALPHABET[(31 - total % 31) % 31];
    if (code[17] !== expected) {
      return { ok: false, expected: expected,
               reason: "第 18 位校验码应为“" + expected + "”，实际为“" + code[17] + "”，可能有字符录入错误" };
    }
    return { ok: true };
  }

  // ---- the index ----
  function entry(term) {
    return getJSON("t/" + (fnv1a(term) & (manifest.shards - 1)) + ".json").then(function (table) {
      return Object.prototype.hasOwnProperty.call(table, term) ? table[term] : null;
    });
  }

  function decode(encoded) {
    var postings = new Map();
    Object.keys(encoded).forEach(function (weight) {
      var id = 0, w = Number(weight);
      encoded[weight].forEach(function (delta) { id += delta; postings.set(id, w); });
    });
    return postings;
  }

  function hex8(n) { return ("0000000" + n.toString(16)).slice(-8); }

  function postingsOf(term, value) {
    if (value === null) { return Promise.resolve(new Map()); }
    if (typeof value === "number") {
      return getJSON("f/" + hex8(fnv1a(term)) + ".json").then(function (file) { return decode(file[term]); });
    }
    return Promise.resolve(decode(value));
  }

  function sizeOf(value) {
    if (value === null) { return 0; }
    if (typeof value === "number") { return value; }
    var n = 0;
    Object.keys(value).forEach(function (w) { n += value[w].length; });
    return n;
  }

  // Scores exactly as search/engine.py: per reading, the sum over its required terms of the
  // posting weights plus the exact bonus; a document keeps its best reading; ties by number.
  function rank(parsed) {
    var wanted = [];
    parsed.readings.forEach(function (r) { wanted = wanted.concat(r); });
    if (parsed.exact) { wanted.push(parsed.exact); }
    wanted = wanted.filter(function (t, i) { return wanted.indexOf(t) === i; });
    return Promise.all(wanted.map(entry)).then(function (values) {
      var byTerm = {};
      wanted.forEach(function (t, i) { byTerm[t] = values[i]; });
      var exactValue = parsed.exact ? byTerm[parsed.exact] : null;
      var exact = exactValue && typeof exactValue === "object" && sizeOf(exactValue) > 0 ? decode(exactValue) : null;
      var plans = parsed.readings.map(function (terms) {
        var rare = terms.filter(function (t) { return sizeOf(byTerm[t]) <= manifest.cap; });
        return rare.length ? rare : terms;
      });
      return Promise.all(plans.map(function (required) {
        return Promise.all(required.map(function (t) { return postingsOf(t, byTerm[t]); }));
      })).then(function (perReading) {
        var started = performance.now();
        var best = new Map();
        perReading.forEach(function (lists) {
          if (!lists.length) { return; }
          lists.sort(function (a, b) { return a.size - b.size; });
          var scores = new Map(lists[0]);
          for (var i = 1; i < lists.length; i++) {
            var next = new Map(), other = lists[i];
            scores.forEach(function (s, id) { if (other.has(id)) { next.set(id, s + other.get(id)); } });
            scores = next;
          }
          scores.forEach(function (s, id) {
            var total = s + (exact && exact.has(id) ? exact.get(id) : 0);
            if (!best.has(id) || best.get(id) < total) { best.set(id, total); }
          });
        });
        var ranked = Array.from(best.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
        return { ranked: ranked, required: plans, ms: performance.now() - started };
      });
    });
  }

  function rangeOf(id) {
    var ranges = manifest.ranges, lo = 0, hi = ranges.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (ranges[mid][2] <= id) { lo = mid; } else { hi = mid - 1; }
    }
    return ranges[lo];
  }

  function lines(ids) {
    var chunks = {};
    ids.forEach(function (id) { chunks[Math.floor(id / manifest.chunk)] = true; });
    var names = Object.keys(chunks);
    return Promise.all(names.map(function (c) { return getJSON("d/" + c + ".json"); })).then(function (files) {
      var byChunk = {};
      names.forEach(function (c, i) { byChunk[c] = files[i]; });
      return function (id) { return byChunk[Math.floor(id / manifest.chunk)][id % manifest.chunk]; };
    });
  }

  // ---- the page ----
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; } // text only: data is never parsed as HTML
    return node;
  }

  function render(groups, line, total) {
    resultsBox.textContent = "";
    manifest.kinds.forEach(function (k) {
      var group = groups[k.kind];
      if (!group || !group.length) { return; }
      var section = el("section", { "class": "search-group", "aria-labelledby": "group-" + k.kind });
      section.appendChild(el("h2", { id: "group-" + k.kind }, k.label + "（" + group.length + " 条）"));
      var list = el("ol", { "class": "search-list" });
      group.slice(0, SHOWN).forEach(function (hit) {
        var data = line(hit.id);
        var item = el("li", { "data-rank": String(hit.rank), "data-score": String(hit.score) });
        var link = el("a", { href: root + data[1] }, data[0]);
        item.appendChild(link);
        if (data[2]) { item.appendChild(el("span", { "class": "search-district" }, "　" + data[2])); }
        item.appendChild(el("p", { "class": "search-summary" }, data[3]));
        list.appendChild(item);
      });
      section.appendChild(list);
      if (group.length > SHOWN) {
        section.appendChild(el("p", { "class": "muted" }, "另有 " + (group.length - SHOWN) +
          " 条未显示，请输入更完整的名称，或按类型、旗县区筛选。"));
      }
      resultsBox.appendChild(section);
    });
    statusBox.textContent = total ? "共找到 " + total + " 条结果。" : "没有找到相符的企业、小区、红黑榜或通知公告。";
  }

  function showCode(parsed) {
    codeBox.hidden = true;
    codeBox.textContent = "";
    if (!parsed.code) { return Promise.resolve(); }
    var verdict = verifyCode(parsed.code);
    if (verdict.ok) { return Promise.resolve(); }
    var message = "“" + parsed.code + "”不是有效的统一社会信用代码：" + verdict.reason;
    var nearest = verdict.expected ? entry("n:" + parsed.code.slice(0, 17).toLowerCase()) : Promise.resolve(null);
    return nearest.then(function (value) {
      var ids = value && typeof value === "object" ? Array.from(decode(value).keys()).sort(function (a, b) { return a - b; }) : [];
      return lines(ids).then(function (line) {
        codeBox.appendChild(el("p", {}, message + "。"));
        ids.forEach(function (id) {
          var p = el("p", {}, "前 17 位与本站收录的 ");
          p.appendChild(el("a", { href: root + line(id)[1] }, line(id)[0]));
          p.appendChild(document.createTextNode(" 相同，您要找的可能是它。"));
          codeBox.appendChild(p);
        });
        codeBox.hidden = false;
      });
    });
  }

  function search(query, kind, district) {
    if (!query.trim()) {
      resultsBox.textContent = "";
      statusBox.textContent = "请输入要搜索的名称、拼音、信用代码、法定代表人或街道。";
      return Promise.resolve();
    }
    statusBox.textContent = "正在搜索……";
    var parsed = queryTerms(query), run = ++generation;
    return Promise.all([rank(parsed), showCode(parsed)]).then(function (done) {
      var result = done[0], groups = {}, shown = [], total = 0;
      result.ranked.forEach(function (pair, n) {
        var r = rangeOf(pair[0]);
        if ((kind && r[0] !== kind) || (district && r[1] !== district)) { return; }
        total += 1;
        (groups[r[0]] = groups[r[0]] || []).push({ id: pair[0], score: pair[1], rank: n + 1 });
      });
      Object.keys(groups).forEach(function (k) { shown = shown.concat(groups[k].slice(0, SHOWN)); });
      return lines(shown.map(function (h) { return h.id; })).then(function (line) {
        if (run !== generation) { return; } // a newer search has started: its results win
        render(groups, line, total);
        resultsBox.setAttribute("data-query-ms", result.ms.toFixed(2));
        resultsBox.setAttribute("data-required", result.required.map(function (r) { return r.join(" "); }).join(" | "));
        resultsBox.setAttribute("data-filter", kind + "|" + district);
        resultsBox.setAttribute("data-done", query); // set last: tests and scripts wait for it
      });
    }).catch(function (error) {
      statusBox.textContent = "搜索索引读取失败（" + error.message + "），请改用下方目录查找。";
    });
  }

  function fromURL() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    kindSelect.value = params.get("kind") || "";
    districtSelect.value = params.get("district") || "";
    var header = document.getElementById("site-search-q");
    if (header) { header.value = input.value; }
    return search(input.value, kindSelect.value, districtSelect.value);
  }

  function submit(event) {
    if (event) { event.preventDefault(); }
    var params = new URLSearchParams();
    params.set("q", input.value);
    if (kindSelect.value) { params.set("kind", kindSelect.value); }
    if (districtSelect.value) { params.set("district", districtSelect.value); }
    window.history.pushState(null, "", "?" + params.toString());
    return fromURL();
  }

  getJSON("manifest.json").then(function (m) {
    manifest = m;
    syllables = {};
    m.syllables.split(" ").forEach(function (s) { syllables[s] = true; longest = Math.max(longest, s.length); });
    form.addEventListener("submit", submit);
    kindSelect.addEventListener("change", function () { submit(); });
    districtSelect.addEventListener("change", function () { submit(); });
    window.addEventListener("popstate", fromURL);
    form.setAttribute("data-ready", "true");
    return fromURL();
  }).catch(function () {
    statusBox.textContent = "搜索索引读取失败，请改用下方目录查找。";
  });
})();
