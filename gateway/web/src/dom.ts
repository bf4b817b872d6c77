/** Small DOM helpers; the page has no UI framework. */

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | EventListener | undefined>;

/**
 * Creates an element. Attributes starting with "on" become event listeners,
 * `true` sets a boolean attribute, `false` and `undefined` leave it out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

/** A labelled form control. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', { class: 'label' }, label), control, hint ? h('span', { class: 'hint' }, hint) : null);
}

/** Status line of a form: shows progress, a result or an error message. */
export class StatusLine {
  readonly element: HTMLElement;

  constructor(id: string) {
    this.element = h('div', { class: 'status', id, role: 'status' });
  }

  busy(message: string): void {
    this.set(message, 'busy');
  }

  ok(message: string): void {
    this.set(message, 'ok');
  }

  error(error: unknown): void {
    this.set(error instanceof Error ? error.message : String(error), 'error');
  }

  clear(): void {
    this.set('', '');
  }

  private set(message: string, kind: string): void {
    this.element.textContent = message;
    this.element.dataset.kind = kind;
  }
}

/** Runs an async action from a button, disabling it meanwhile and reporting errors on the status line. */
export async function runAction(button: HTMLButtonElement, status: StatusLine, busyMessage: string, action: () => Promise<string | void>): Promise<void> {
  button.disabled = true;
  status.busy(busyMessage);
  try {
    const message = await action();
    if (message) status.ok(message);
    else status.clear();
  } catch (error) {
    status.error(error);
  } finally {
    button.disabled = false;
  }
}

/** Formats a number with `digits` significant digits, without exponent noise for ordinary magnitudes. */
export function formatNumber(value: number | null | undefined, digits = 6): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) return String(Number(value.toPrecision(digits)));
  return value.toExponential(digits - 1);
}

/** Renders JSON cell values: objects and arrays as compact JSON, null as an empty cell. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value, 8);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A table with a header row. */
export function table(headers: string[], rows: Child[][], attributes: Attributes = {}): HTMLTableElement {
  return h(
    'table',
    attributes,
    h('thead', {}, h('tr', {}, ...headers.map((header) => h('th', {}, header)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((cell) => h('td', {}, cell))))),
  );
}

/** Splits "a, b ,c" into ["a", "b", "c"], dropping empty items. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
