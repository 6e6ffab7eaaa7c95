// conformance graph page: zoom (wheel, buttons), pan (drag), click a node for its findings or an
// edge for its violations. No dependencies; the data is the JSON document of --format json.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var svg = document.getElementById("graph");
  var viewport = document.getElementById("viewport");
  var canvas = document.getElementById("canvas");
  var title = document.getElementById("panel-title");
  var hint = document.getElementById("panel-hint");
  var list = document.getElementById("panel-list");
  var width = parseFloat(svg.getAttribute("data-width"));
  var height = parseFloat(svg.getAttribute("data-height"));
  var nodes = {};
  data.nodes.forEach(function (node) { nodes[node.id] = node; });
  var view = { x: 0, y: 0, scale: 1 };

  svg.setAttribute("viewBox", "0 0 " + width + " " + height);

  function apply() {
    viewport.setAttribute(
      "transform", "translate(" + view.x + " " + view.y + ") scale(" + view.scale + ")");
    svg.setAttribute("data-scale", view.scale.toFixed(3));
  }

  function toGraph(clientX, clientY) {
    var matrix = svg.getScreenCTM();
    if (!matrix) { return { x: 0, y: 0 }; }
    var point = svg.createSVGPoint();
    point.x = clientX;
    point.y = clientY;
    var p = point.matrixTransform(matrix.inverse());
    return { x: p.x, y: p.y };
  }

  function zoom(factor, at) {
    var scale = Math.min(8, Math.max(0.1, view.scale * factor));
    factor = scale / view.scale;
    view.x = at.x - (at.x - view.x) * factor;
    view.y = at.y - (at.y - view.y) * factor;
    view.scale = scale;
    apply();
  }

  function fit() {
    view = { x: 0, y: 0, scale: 1 };
    apply();
  }

  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, toGraph(event.clientX, event.clientY));
  }, { passive: false });

  var drag = null;
  svg.addEventListener("mousedown", function (event) {
    if (event.button !== 0) { return; }
    var start = toGraph(event.clientX, event.clientY);
    drag = { x: start.x, y: start.y, vx: view.x, vy: view.y, moved: false };
    canvas.classList.add("panning");
  });
  window.addEventListener("mousemove", function (event) {
    if (!drag) { return; }
    var here = toGraph(event.clientX, event.clientY);
    view.x = drag.vx + (here.x - drag.x);
    view.y = drag.vy + (here.y - drag.y);
    drag.moved = drag.moved || Math.abs(here.x - drag.x) + Math.abs(here.y - drag.y) > 3;
    apply();
  });
  window.addEventListener("mouseup", function () {
    canvas.classList.remove("panning");
    setTimeout(function () { drag = null; }, 0);
  });

  function centre() {
    return { x: width / 2, y: height / 2 };
  }
  document.getElementById("zoom-in").addEventListener("click", function () { zoom(1.25, centre()); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoom(0.8, centre()); });
  document.getElementById("zoom-fit").addEventListener("click", fit);

  function item(finding, code) {
    var li = document.createElement("li");
    var where = finding.line === null ? finding.path : finding.path + ":" + finding.line;
    var codeSpan = document.createElement("span");
    codeSpan.className = "code" + (code.indexOf("CNF2") === 0 ? " layering" : "");
    codeSpan.textContent = code;
    var whereSpan = document.createElement("span");
    whereSpan.className = "where";
    whereSpan.textContent = where;
    var message = document.createElement("div");
    message.className = "message";
    message.textContent = finding.message;
    li.appendChild(codeSpan);
    li.appendChild(whereSpan);
    li.appendChild(message);
    return li;
  }

  function clearSelection() {
    Array.prototype.forEach.call(document.querySelectorAll(".selected, .dim"), function (el) {
      el.classList.remove("selected");
      el.classList.remove("dim");
    });
    list.textContent = "";
  }

  function showNode(id) {
    clearSelection();
    var node = nodes[id];
    var element = document.querySelector('[data-node="' + CSS.escape(id) + '"]');
    if (!node || !element) { return; }
    element.classList.add("selected");
    Array.prototype.forEach.call(document.querySelectorAll(".edge"), function (edge) {
      var touches = edge.getAttribute("data-source") === id || edge.getAttribute("data-target") === id;
      if (!touches) { edge.classList.add("dim"); }
    });
    title.textContent = node.label + ": " + node.findings.length + " finding" +
      (node.findings.length === 1 ? "" : "s");
    hint.textContent = node.path ? node.path : "";
    node.findings.forEach(function (finding) { list.appendChild(item(finding, finding.code)); });
  }

  function showEdge(number) {
    clearSelection();
    var edge = data.edges[number];
    document.querySelector('[data-edge="' + number + '"]').classList.add("selected");
    title.textContent = edge.source + " \u2192 " + edge.target + ": " + edge.count + " use" +
      (edge.count === 1 ? "" : "s");
    hint.textContent = Object.keys(edge.kinds).map(function (kind) {
      return kind + " " + edge.kinds[kind];
    }).join(", ");
    edge.violations.forEach(function (v) {
      var li = item(v, v.code);
      li.querySelector(".message").textContent = v.source + " -> " + v.target + ": " + v.message;
      list.appendChild(li);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".node"), function (element) {
    element.addEventListener("click", function () {
      if (drag && drag.moved) { return; }
      showNode(element.getAttribute("data-node"));
    });
    element.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { showNode(element.getAttribute("data-node")); }
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".edge"), function (element) {
    element.addEventListener("click", function () {
      if (drag && drag.moved) { return; }
      showEdge(parseInt(element.getAttribute("data-edge"), 10));
    });
  });

  apply();
  // #node=<id> selects a node on load (links from a report; the same path as a click)
  var match = /^#node=(.+)$/.exec(window.location.hash);
  if (match) {
    var target = document.querySelector('[data-node="' + CSS.escape(decodeURIComponent(match[1])) + '"]');
    if (target) { target.dispatchEvent(new MouseEvent("click", { bubbles: true })); }
  }
}());
