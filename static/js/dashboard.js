// Tableau de bord: draws the charts from the JSON data island (#dashboard-data). Each chart repeats a
// table printed right after it, which stays the accessible and exact reading of the figures.
(function () {
  const island = document.getElementById("dashboard-data");
  if (!island || typeof window.Chart === "undefined") {
    return;
  }
  const data = JSON.parse(island.textContent);
  const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
  const numbers = (values) => values.map(Number);
  const common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    scales: { y: { beginAtZero: true, ticks: { callback: (value) => euros.format(value) } } },
    plugins: {
      tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label} : ${euros.format(ctx.parsed.y)}` } },
    },
  };
  const charts = {
    turnover: () => ({
      type: "bar",
      data: {
        labels: data.turnover.labels,
        datasets: [
          { label: "Facturé HT", data: numbers(data.turnover.invoiced), backgroundColor: "#1f6feb" },
          { label: "Encaissé", data: numbers(data.turnover.collected), backgroundColor: "#2da44e" },
        ],
      },
      options: common,
    }),
    ageing: () => ({
      type: "bar",
      data: {
        labels: data.ageing.labels,
        datasets: [
          {
            label: "Reste dû",
            data: numbers(data.ageing.amounts),
            backgroundColor: ["#8c959f", "#d4a72c", "#e16f24", "#cf222e", "#82071e"],
          },
        ],
      },
      options: { ...common, plugins: { ...common.plugins, legend: { display: false } } },
    }),
  };
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const build = charts[canvas.dataset.chart];
    if (build) {
      new window.Chart(canvas, build());
    }
  });
})();
