// Géoprod: small progressive enhancements (confirmations).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// A submit button marked data-once is disabled after the first click (the server also refuses a second submit).
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.hasAttribute("data-once") && !event.defaultPrevented) {
    setTimeout(() => { button.disabled = true; button.textContent = "Envoi en cours…"; }, 0);
  }
});

// A form marked data-autosave keeps its draft on the server as soon as a field changes, so that leaving the
// page (or adding an attachment with the other form) loses nothing typed.
document.querySelectorAll("form[data-autosave]").forEach((form) => {
  form.addEventListener("change", () => {
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "X-Autosave": "1" } })
      .then(async (response) => {
        if (response.status === 409) {  // changed elsewhere since this page was read: say so, show it as it is
          window.alert(await response.text());
          window.location.reload();
        }
      });
  });
});

// « Ajouter une ligne »: a new empty line from the formset's template, numbered after the last one.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-line]");
  if (!button) return;
  const prefix = button.dataset.addLine;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
  const index = Number(total.value);
  if (max && index >= Number(max.value)) {
    button.disabled = true;
    return;
  }
  const template = document.getElementById(`${prefix}-empty-line`);
  const row = template.innerHTML.replaceAll("__prefix__", String(index));
  document.querySelector(`[data-lines="${prefix}"]`).insertAdjacentHTML("beforeend", row);
  total.value = String(index + 1);
  const first = document.getElementById(`id_${prefix}-${index}-designation`);
  if (first) first.focus();
});

// A field marked data-shown-for="a,b" is shown only while its form's « Catégorie » is one of those values.
document.querySelectorAll("[data-shown-for]").forEach((input) => {
  const category = input.form.elements.categorie;
  const field = input.closest(".field");
  const show = () => { field.hidden = !input.dataset.shownFor.split(",").includes(category.value); };
  category.addEventListener("change", show);
  show();
});

// A list's totals loaded after its page (data-totals-retry): when they cannot be loaded, say so and offer them in the page.
document.addEventListener("htmx:responseError", totalsUnavailable);
document.addEventListener("htmx:sendError", totalsUnavailable);
function totalsUnavailable(event) {
  const box = event.detail.elt;
  if (!box.dataset || !box.dataset.totalsRetry) return;
  const cell = box.querySelector(".totals-row th");
  const link = document.createElement("a");
  link.href = box.dataset.totalsRetry;
  link.textContent = "Calculer les totaux";
  cell.replaceChildren("Totaux indisponibles pour le moment. ", link);
  box.querySelector("table").removeAttribute("aria-busy");
}
