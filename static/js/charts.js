// Draw every server-built Plotly figure on the page: <div class="chart" data-figure-id="ID"> reads the
// figure from <script type="application/json" id="ID">. Runs on page load and on htmx swaps.
(function () {
  function draw(root) {
    if (!window.Plotly) return;
    root.querySelectorAll(".chart[data-figure-id]:not([data-drawn])").forEach(function (el) {
      var source = document.getElementById(el.dataset.figureId);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      el.setAttribute("data-drawn", "1");
      Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:load", function (event) { draw(event.detail.elt.parentNode || document); });
})();
