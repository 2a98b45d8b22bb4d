// licaudit HTML report: verdict panel, details on click, filter, collapse, zoom. Text only via textContent.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var byKey = {};
  data.nodes.forEach(function (n) { byKey[n.key] = n; });
  var svg = document.getElementById("graph");
  var viewport = document.getElementById("viewport");
  var details = document.getElementById("details");
  var currentUse = data.use;
  var collapsed = {};  // key -> true when its ancestors are hidden
  var selected = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function safeUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url); }
  function link(url, text) {
    if (!safeUrl(url)) { return el("span", null, text || url || ""); }
    var a = el("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, text || url);
    return a;
  }
  function badge(effect) { return el("span", { "class": "badge " + effect }, effect); }
  function nodeLink(key) {
    var a = el("a", { "data-key": key, tabindex: "0" }, byKey[key] ? byKey[key].id : key);
    a.addEventListener("click", function () { select(key, true); });
    return a;
  }
  function pathView(reason) {
    var div = el("div", { "class": "path" });
    reason.path.forEach(function (key, i) {
      if (i > 0) { div.appendChild(document.createTextNode(" \u2014" + reason.relations[i - 1] + "\u2192 ")); }
      div.appendChild(nodeLink(key));
    });
    if (reason.path.length === 1) { div.appendChild(document.createTextNode(" (its own license)")); }
    if (reason.contested) { div.appendChild(el("span", { "class": "contested" }, "  contested: " + reason.contested)); }
    (reason.also_via || []).forEach(function (path) {
      var also = el("div", null, "also via ");
      path.forEach(function (key, i) {
        if (i > 0) { also.appendChild(document.createTextNode(" \u2192 ")); }
        also.appendChild(nodeLink(key));
      });
      div.appendChild(also);
    });
    return div;
  }
  function reasonView(reason, withClause) {
    var box = el("div", { "class": "reason" });
    var head = el("div");
    var lic = data.licenses[reason.license];
    head.appendChild(el("b", null, lic ? lic.name : reason.license));
    head.appendChild(document.createTextNode(" [" + reason.kind + "] " + reason.summary));
    box.appendChild(head);
    box.appendChild(pathView(reason));
    if (withClause && reason.clause) { box.appendChild(el("blockquote", null, reason.clause)); }
    if (withClause && reason.source) { box.appendChild(el("div", { "class": "path" })).appendChild(link(reason.source)); }
    return box;
  }

  function renderPanel() {
    var panel = document.getElementById("verdict-panel");
    panel.textContent = "";
    var target = byKey[data.target];
    panel.appendChild(el("h1", null, "Verdict for " + target.id));
    panel.appendChild(el("div", { "class": "meta" }, data.tool + " \u00b7 stance: " + data.stance + " \u00b7 " +
      data.nodes.length + " artifacts in the lineage"));
    var cards = el("div", { "class": "verdicts" });
    data.uses.forEach(function (use) {
      var v = target.reasons[use];
      var card = el("section", { "class": "verdict-card", "data-use": use });
      var h = el("div");
      h.appendChild(el("b", null, use + ": "));
      h.appendChild(badge(v.verdict));
      card.appendChild(h);
      if (v.verdict === "allowed") { card.appendChild(el("div", null, "Only attribution and notice duties.")); }
      v.reasons.forEach(function (r) { card.appendChild(reasonView(r, true)); });
      if (v.conditions.length) {
        card.appendChild(el("div", { "class": "meta" }, "also conditional on"));
        v.conditions.forEach(function (r) { card.appendChild(reasonView(r, false)); });
      }
      if (v.risks.length) {
        card.appendChild(el("div", { "class": "meta" }, "risks: contested terms that do not flow under this stance"));
        v.risks.forEach(function (r) { card.appendChild(reasonView(r, false)); });
      }
      cards.appendChild(card);
    });
    panel.appendChild(cards);
  }

  function renderFindings() {
    var panel = document.getElementById("findings-panel");
    var box = el("details");
    box.open = data.findings.length <= 50;  // a big lineage's findings stay folded until asked for
    box.appendChild(el("summary", null, "Findings (" + data.findings.length + ")"));
    var list = el("ul", { "class": "findings-list" });
    data.findings.forEach(function (f) {
      var li = el("li", { "class": "finding " + f.severity });
      li.appendChild(el("b", null, f.severity + " " + f.kind + ": "));
      li.appendChild(document.createTextNode(f.message + " "));
      if (f.artifact) {
        li.appendChild(document.createTextNode("(at "));
        li.appendChild(nodeLink(f.artifact));
        li.appendChild(document.createTextNode(")"));
      }
      list.appendChild(li);
    });
    box.appendChild(list);
    panel.appendChild(box);
  }

  function evidenceList(items) {
    var ul = el("ul");
    items.forEach(function (e) {
      var li = el("li");
      li.appendChild(el("span", { "class": "term kind" }, e.origin));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(link(e.url));
      if (e.quote) { li.appendChild(el("blockquote", null, e.quote)); }
      ul.appendChild(li);
    });
    return ul;
  }

  function showDetails(node) {
    details.textContent = "";
    details.appendChild(el("h2", { id: "details-title" }, node.id));
    if (node.name !== node.id) { details.appendChild(el("div", { "class": "kv" }, node.name)); }
    var kv = function (k, v) {
      var d = el("div", { "class": "kv" });
      d.appendChild(el("b", null, k + ": "));
      d.appendChild(typeof v === "string" ? document.createTextNode(v) : v);
      details.appendChild(d);
    };
    kv("kind", node.kind);
    kv("license", node.license);
    kv("declared on the card", node.declared === null ? "(not recorded)" : node.declared);
    var verdicts = el("span");
    data.uses.forEach(function (use) {
      verdicts.appendChild(document.createTextNode(use + " "));
      verdicts.appendChild(badge(node.verdicts[use]));
      verdicts.appendChild(document.createTextNode("  "));
    });
    kv("verdicts", verdicts);
    var collapse = el("button", { type: "button", id: "collapse-toggle" },
      collapsed[node.key] ? "Expand ancestors" : "Collapse ancestors");
    collapse.disabled = node.parents.length === 0;
    collapse.addEventListener("click", function () { toggleCollapse(node.key); showDetails(node); });
    details.appendChild(collapse);

    var reasons = node.reasons[currentUse];
    details.appendChild(el("h3", null, "Why " + currentUse + " is " + reasons.verdict));
    if (!reasons.reasons.length) { details.appendChild(el("div", { "class": "meta" }, "No restricting term.")); }
    reasons.reasons.forEach(function (r) { details.appendChild(reasonView(r, true)); });

    details.appendChild(el("h3", null, "License terms"));
    if (!node.licenses.length) { details.appendChild(el("div", { "class": "meta" }, "License unknown: no terms can be listed.")); }
    node.licenses.forEach(function (id) {
      var lic = data.licenses[id];
      var head = el("div", { "class": "kv" });
      head.appendChild(el("b", null, lic.name + " (" + id + ", " + lic.category + ") "));
      if (lic.url) { head.appendChild(link(lic.url, "text")); }
      details.appendChild(head);
      lic.terms.forEach(function (t) {
        var term = el("div", { "class": "term" });
        term.appendChild(el("span", { "class": "kind" }, t.kind));
        term.appendChild(document.createTextNode(" " + t.summary));
        if (t.clause) { term.appendChild(el("blockquote", null, t.clause)); }
        if (t.source) { term.appendChild(link(t.source)); }
        details.appendChild(term);
      });
    });

    details.appendChild(el("h3", null, "Evidence for the license"));
    details.appendChild(node.evidence.length ? evidenceList(node.evidence) : el("div", { "class": "meta" }, "none recorded"));

    details.appendChild(el("h3", null, "Parents"));
    if (!node.parents.length) { details.appendChild(el("div", { "class": "meta" }, "none")); }
    node.parents.forEach(function (p) {
      var d = el("div", { "class": "kv" });
      d.appendChild(el("span", { "class": "term kind" }, p.relation));
      d.appendChild(document.createTextNode(" "));
      d.appendChild(nodeLink(p.key));
      details.appendChild(d);
      if (p.evidence.length) { details.appendChild(evidenceList(p.evidence)); }
    });

    details.appendChild(el("h3", null, "Findings"));
    if (!node.findings.length) { details.appendChild(el("div", { "class": "meta" }, "none")); }
    node.findings.forEach(function (f) {
      details.appendChild(el("div", { "class": "finding " + f.severity }, f.severity + " " + f.kind + ": " + f.message));
    });
  }

  // ---- graph state: colour by use, filter, collapse ----
  var nodeEls = {};
  Array.prototype.forEach.call(svg.querySelectorAll("g.node"), function (g) { nodeEls[g.getAttribute("data-key")] = g; });
  var edgeEls = Array.prototype.slice.call(svg.querySelectorAll("g.edge"));

  function hiddenKeys() {
    var hidden = {};
    var visible = {};
    var stack = [data.target];
    visible[data.target] = true;
    while (stack.length) {  // walk up from the target, stopping at collapsed nodes
      var key = stack.pop();
      if (collapsed[key]) { continue; }
      byKey[key].parents.forEach(function (p) {
        if (!visible[p.key]) { visible[p.key] = true; stack.push(p.key); }
      });
    }
    data.nodes.forEach(function (n) { if (!visible[n.key]) { hidden[n.key] = true; } });
    return hidden;
  }

  function countAncestors(key) {
    var seen = {}; var stack = [key]; var count = 0;
    while (stack.length) {
      byKey[stack.pop()].parents.forEach(function (p) {
        if (!seen[p.key] && p.key !== key) { seen[p.key] = true; count++; stack.push(p.key); }
      });
    }
    return count;
  }

  function refresh() {
    var query = document.getElementById("search").value.trim().toLowerCase();
    var shownVerdicts = {};
    Array.prototype.forEach.call(document.querySelectorAll("#verdict-filters input"), function (box) {
      shownVerdicts[box.value] = box.checked;
    });
    var hidden = hiddenKeys();
    var matches = 0;
    data.nodes.forEach(function (n) {
      var g = nodeEls[n.key];
      var verdict = n.verdicts[currentUse];
      g.setAttribute("data-verdict", verdict);
      var text = (n.id + " " + n.name + " " + n.license + " " + n.kind).toLowerCase();
      var match = (!query || text.indexOf(query) >= 0) && shownVerdicts[verdict] !== false;
      if (match && !hidden[n.key]) { matches++; }
      g.classList.toggle("dim", !match);
      g.classList.toggle("hidden", !!hidden[n.key]);
      var badgeEl = g.querySelector(".collapsed-badge");
      badgeEl.textContent = collapsed[n.key] ? "+" + countAncestors(n.key) : "";
    });
    edgeEls.forEach(function (e) {
      var from = e.getAttribute("data-from"); var to = e.getAttribute("data-to");
      e.classList.toggle("hidden", !!(hidden[from] || hidden[to] || collapsed[to]));
      e.classList.toggle("dim", nodeEls[from].classList.contains("dim") || nodeEls[to].classList.contains("dim"));
      e.classList.toggle("highlight", selected !== null && (from === selected || to === selected));
    });
    document.getElementById("match-count").textContent = matches + " of " + data.nodes.length + " shown";
  }

  function toggleCollapse(key) {
    if (collapsed[key]) { delete collapsed[key]; } else { collapsed[key] = true; }
    refresh();
  }

  function select(key, center) {
    if (selected !== null && nodeEls[selected]) { nodeEls[selected].classList.remove("selected"); }
    selected = key;
    nodeEls[key].classList.add("selected");
    showDetails(byKey[key]);
    if (center) { centerOn(key); }
    refresh();
  }

  // ---- zoom and pan on the viewport transform ----
  var view = { x: 0, y: 0, k: 1 };
  var box = svg.viewBox.baseVal;
  function apply() { viewport.setAttribute("transform", "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")"); }
  function zoomAt(factor, cx, cy) {
    var k = Math.min(8, Math.max(0.02, view.k * factor));
    factor = k / view.k;
    view.x = cx - (cx - view.x) * factor; view.y = cy - (cy - view.y) * factor; view.k = k;
    apply();
  }
  function svgPoint(evt) {
    var rect = svg.getBoundingClientRect();
    var scale = Math.max(box.width / rect.width, box.height / rect.height);
    var offX = (rect.width * scale - box.width) / 2; var offY = (rect.height * scale - box.height) / 2;
    return { x: (evt.clientX - rect.left) * scale - offX, y: (evt.clientY - rect.top) * scale - offY, scale: scale };
  }
  function fit() {  // fit the visible nodes, so a collapsed or filtered lineage fills the view
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    Object.keys(nodeEls).forEach(function (key) {
      var g = nodeEls[key];
      if (g.classList.contains("hidden")) { return; }
      var m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute("transform"));
      var x = parseFloat(m[1]), y = parseFloat(m[2]);
      minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x + 230); maxY = Math.max(maxY, y + 52);
    });
    if (minX === Infinity) { view = { x: 0, y: 0, k: 1 }; apply(); return; }
    var pad = 20;
    var k = Math.min(box.width / (maxX - minX + 2 * pad), box.height / (maxY - minY + 2 * pad), 1.5);
    view = { k: k, x: (box.width - (maxX - minX) * k) / 2 - minX * k, y: pad * k - minY * k };
    apply();
  }
  function centerOn(key) {
    var g = nodeEls[key];
    var m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute("transform"));
    if (!m) { return; }
    var k = Math.max(view.k, Math.min(1, 6 * 230 / box.width));
    view.k = k;
    view.x = box.width / 2 - (parseFloat(m[1]) + 115) * k;
    view.y = box.height / 2 - (parseFloat(m[2]) + 26) * k;
    apply();
  }
  svg.addEventListener("wheel", function (evt) {
    evt.preventDefault();
    var p = svgPoint(evt);
    zoomAt(evt.deltaY < 0 ? 1.2 : 1 / 1.2, p.x, p.y);
  }, { passive: false });
  var drag = null;
  var wrap = document.getElementById("graph-wrap");
  svg.addEventListener("mousedown", function (evt) {
    if (evt.target.closest && evt.target.closest("g.node")) { return; }
    drag = { x: evt.clientX, y: evt.clientY, vx: view.x, vy: view.y, scale: svgPoint(evt).scale };
    wrap.classList.add("dragging");
  });
  window.addEventListener("mousemove", function (evt) {
    if (!drag) { return; }
    view.x = drag.vx + (evt.clientX - drag.x) * drag.scale;
    view.y = drag.vy + (evt.clientY - drag.y) * drag.scale;
    apply();
  });
  window.addEventListener("mouseup", function () { drag = null; wrap.classList.remove("dragging"); });
  document.getElementById("zoom-in").addEventListener("click", function () { zoomAt(1.4, box.width / 2, box.height / 2); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomAt(1 / 1.4, box.width / 2, box.height / 2); });
  document.getElementById("zoom-fit").addEventListener("click", fit);
  document.getElementById("expand-all").addEventListener("click", function () {
    collapsed = {}; refresh(); if (selected) { showDetails(byKey[selected]); }
  });

  Object.keys(nodeEls).forEach(function (key) {
    var g = nodeEls[key];
    g.addEventListener("click", function () { select(key, false); });
    g.addEventListener("keydown", function (evt) {
      if (evt.key === "Enter" || evt.key === " ") { evt.preventDefault(); select(key, false); }
    });
  });

  var useSelect = document.getElementById("use-select");
  data.uses.forEach(function (use) {
    var option = el("option", { value: use }, use);
    if (use === currentUse) { option.selected = true; }
    useSelect.appendChild(option);
  });
  useSelect.addEventListener("change", function () {
    currentUse = useSelect.value; refresh(); if (selected) { showDetails(byKey[selected]); }
  });
  var filters = document.getElementById("verdict-filters");
  ["allowed", "conditional", "unknown", "forbidden"].forEach(function (verdict) {
    var label = el("label");
    var box = el("input", { type: "checkbox", value: verdict });
    box.checked = true;
    box.addEventListener("change", refresh);
    label.appendChild(box);
    label.appendChild(document.createTextNode(" "));
    label.appendChild(badge(verdict));
    filters.appendChild(label);
  });
  document.getElementById("search").addEventListener("input", refresh);

  renderPanel();
  renderFindings();
  // A big lineage opens with the target's ancestors beyond the second layer collapsed.
  if (data.nodes.length > 60) {
    byKey[data.target].parents.forEach(function (p) { if (byKey[p.key].parents.length) { collapsed[p.key] = true; } });
  }
  refresh();
  fit();
  document.body.setAttribute("data-ready", "true");
})();
