export { renderTerminal, renderJson, renderMarkdown, verdictLine, redactForSupport, type TerminalOptions } from './render.js';
export { maskPersonal } from './redact.js';
