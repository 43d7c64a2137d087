// A tiny SVG element builder (text as text nodes only), for the charts.

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: (Node | string | null)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  for (const c of children) if (c !== null) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}
