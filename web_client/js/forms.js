// Showing server answers on a form: field-keyed errors next to their inputs, a form message.

import { $, $$ } from "./dom.js";
import { t, translateServerMessage } from "./i18n.js";

export function clearErrors(form) {
  for (const node of $$(".field-error", form)) node.textContent = "";
  for (const input of $$("[aria-invalid]", form)) input.removeAttribute("aria-invalid");
  const message = $(".form-error", form);
  if (message) message.textContent = "";
}

// Shows `error` (a HubError) on `form`; `names` maps server field names to input names.
export function showError(form, error, names = {}) {
  clearErrors(form);
  let first = null;
  const unplaced = [];
  for (const [field, problems] of Object.entries(error.fields || {})) {
    const input = form.elements[names[field] || field];
    const slot = input?.id && $(`#${input.id}-error`, form);
    const text = [problems].flat().map((p) => translateServerMessage(String(p))).join(" ");
    if (slot) {
      slot.textContent = text;
      input.setAttribute("aria-invalid", "true");
      first ??= input;
    } else unplaced.push(`${t(`field.${field}`, {}, null) || field}: ${text}`);
  }
  const message = $(".form-error", form);
  if (message) message.textContent = [t(`error.${error.code}`, error.details, "error.generic"), ...unplaced].join(" ");
  if (first) first.focus();
}

export function formValues(form, names) {
  const values = {};
  for (const name of names) values[name] = form.elements[name].value.trim();
  return values;
}
