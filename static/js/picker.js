// Client and dossier pickers (clients/pickers.py): the <select> holds only the chosen row; a combobox beside
// it searches the cabinet's rows as the user types and puts the chosen one into the select, which the form
// posts as usual. ARIA 1.2 combobox pattern: the input owns a listbox, arrows move, Enter chooses, Escape closes.
(() => {
  let serial = 0;

  function choose(select, id, label, client) {
    const empty = select.querySelector("option[value='']");
    select.replaceChildren(...(empty ? [empty] : []));
    if (id) {
      const option = new Option(label, id, true, true);
      if (client) option.dataset.client = client;
      select.append(option);
    } else if (empty) {
      empty.selected = true;
    }
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function selectedLabel(select) {
    const option = select.selectedOptions[0];
    return option && option.value ? option.textContent : "";
  }

  function enhance(select) {
    const id = `picker-${++serial}`;
    const box = document.createElement("div");
    box.className = "picker";
    const input = document.createElement("input");
    Object.assign(input, { type: "text", id: `${select.id}_recherche`, placeholder: select.dataset.pickerPlaceholder || "" });
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", `${id}-list`);
    input.autocomplete = "off";
    input.value = selectedLabel(select);
    const list = document.createElement("ul");
    list.id = `${id}-list`;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    const status = document.createElement("p");
    status.className = "picker-status";
    status.setAttribute("aria-live", "polite");
    box.append(input, list, status);
    select.after(box);
    select.hidden = true;
    const label = document.querySelector(`label[for='${select.id}']`);
    if (label) label.htmlFor = input.id;  // the visible control carries the field's label

    let timer = null;
    let active = -1;
    let results = [];
    let request = 0;

    const close = () => {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };
    const highlight = (index) => {
      const items = list.querySelectorAll("[role=option]");
      items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
      active = index;
      if (items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    };
    const pick = (index) => {
      const row = results[index];
      if (!row) return;
      choose(select, String(row.id), row.label, row.client ? String(row.client) : "");
      input.value = row.label;
      close();
      const target = select.dataset.pickerFills && document.getElementById(select.dataset.pickerFills);
      if (target && row.client && target.value !== String(row.client)) {
        choose(target, String(row.client), row.detail, "");
        const other = document.getElementById(`${target.id}_recherche`);
        if (other) other.value = row.detail;
      }
    };
    const show = (data) => {
      results = data.results || [];
      list.replaceChildren(
        ...results.map((row, i) => {
          const item = document.createElement("li");
          item.id = `${id}-option-${i}`;
          item.setAttribute("role", "option");
          item.setAttribute("aria-selected", "false");
          item.textContent = row.label;
          if (row.detail) {
            const detail = document.createElement("small");
            detail.textContent = row.detail;
            item.append(" ", detail);
          }
          return item;
        }),
      );
      status.textContent = results.length
        ? (data.more ? `${results.length} premiers résultats : précisez la recherche.` : "")
        : "Aucun résultat.";
      list.hidden = !results.length;
      input.setAttribute("aria-expanded", String(!list.hidden));
      active = -1;
    };
    const search = () => {
      const params = new URLSearchParams({ q: input.value.trim() });
      const fills = select.dataset.pickerFills && document.getElementById(select.dataset.pickerFills);
      if (fills && fills.value) params.set("client", fills.value);
      const mine = ++request;
      fetch(`${select.dataset.picker}?${params}`, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(async (response) => {
          const data = await response.json();
          if (mine !== request) return;  // a later keystroke's answer wins
          if (!response.ok) {
            close();
            status.textContent = data.error || "La recherche a échoué.";
            return;
          }
          show(data);
        })
        .catch(() => { if (mine === request) status.textContent = "La recherche a échoué : réessayez."; });
    };

    input.addEventListener("input", () => {
      clearTimeout(timer);
      close();  // the rows shown answer an earlier text: never choose one of them
      results = [];
      if (!input.value.trim()) choose(select, "", "", "");
      timer = setTimeout(search, 200);
    });
    input.addEventListener("focus", () => { if (!input.value) search(); });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { search(); return; }
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + results.length) % results.length);
      } else if (event.key === "Enter") {
        event.preventDefault();  // Enter in the search chooses a row, it never submits the form
        if (!list.hidden) pick(active >= 0 ? active : 0);
      } else if (event.key === "Escape") {
        close();
        input.value = selectedLabel(select);
      }
    });
    input.addEventListener("blur", () => {
      setTimeout(() => {
        close();
        input.value = selectedLabel(select);
      }, 150);
    });
    list.addEventListener("mousedown", (event) => {
      const item = event.target.closest("[role=option]");
      if (!item) return;
      event.preventDefault();  // keep the focus in the input
      pick([...list.children].indexOf(item));
    });
    // Another client than the chosen dossier's: that dossier no longer fits.
    const fills = select.dataset.pickerFills && document.getElementById(select.dataset.pickerFills);
    if (fills) {
      fills.addEventListener("change", () => {
        const option = select.selectedOptions[0];
        if (option && option.dataset.client && option.dataset.client !== fills.value) {
          choose(select, "", "", "");
          input.value = "";
        }
      });
    }
  }

  document.querySelectorAll("select[data-picker]").forEach(enhance);
})();
