// The landing page: links to the three screens and the language switch.

import { $ } from "./dom.js";
import { applyI18n, mountLanguageSwitch } from "./i18n.js";

applyI18n(document);
mountLanguageSwitch($("#lang-switch"));
