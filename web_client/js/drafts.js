// Form drafts kept in sessionStorage, so an expired session (or a reload) never loses what
// was being typed. A form opts in with data-draft="<name>"; passwords are never kept.

const PREFIX = "clinicHub.draft.";
const SKIPPED = new Set(["password", "submit", "button", "reset", "file"]);

function snapshot(form) {
  const data = {};
  for (const field of form.elements) {
    if (!field.name || SKIPPED.has(field.type)) continue;
    if (field.type === "checkbox") data[field.name] = field.checked;
    else if (field.type === "radio") {
      if (field.checked) data[field.name] = field.value;
    } else data[field.name] = field.value;
  }
  return data;
}

export class Draft {
  constructor(form) {
    this.form = form;
    this.key = PREFIX + form.dataset.draft;
    const save = () => this.save();
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  }

  save() {
    sessionStorage.setItem(this.key, JSON.stringify(snapshot(this.form)));
  }

  // Puts the saved values back; returns them (or null) so the screen can rebuild its state.
  restore() {
    let data;
    try {
      data = JSON.parse(sessionStorage.getItem(this.key) || "null");
    } catch {
      data = null;
    }
    if (!data) return null;
    for (const field of this.form.elements) {
      if (!field.name || !(field.name in data) || SKIPPED.has(field.type)) continue;
      if (field.type === "checkbox") field.checked = Boolean(data[field.name]);
      else if (field.type === "radio") field.checked = field.value === data[field.name];
      else field.value = data[field.name];
    }
    return data;
  }

  clear() {
    sessionStorage.removeItem(this.key);
  }
}

export function clearAllDrafts() {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
}
