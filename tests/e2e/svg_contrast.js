// Contrast of every word drawn in the pictures (axe-core skips the inside of an SVG with
// role="img"). For each visible <text> in svg.viz: its fill against what is painted under its
// centre (the page's background, then each filled shape drawn earlier whose fill covers that
// point, with its opacity). Returns the texts under WCAG's 4.5:1 (3:1 for large text).
const rgba = c => {
  const m = /rgba?\(([^)]+)\)/.exec(c || '');
  if (!m) return null;
  const p = m[1].split(',').map(Number);
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
};
const over = (top, under) => ({
  r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
  b: top.b * top.a + under.b * (1 - top.a), a: 1,
});
const lum = c => {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
};
const ratio = (x, y) => {
  const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p);
  return (a + 0.05) / (b + 0.05);
};
const pageColour = el => {
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0) return c;
  }
  return { r: 255, g: 255, b: 255, a: 1 };
};
const alpha = s => parseFloat(s.fillOpacity) * parseFloat(s.opacity);
const low = [];
for (const t of document.querySelectorAll('svg.viz text')) {
  const box = t.getBoundingClientRect();
  const style = getComputedStyle(t);
  if (!box.width || !box.height || style.visibility === 'hidden' || style.display === 'none') continue;
  const fg = rgba(style.fill);
  if (!fg) continue;
  fg.a *= alpha(style);
  const svg = t.ownerSVGElement;
  const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
  let bg = pageColour(svg);
  for (const s of svg.querySelectorAll('rect, circle, path, polygon, ellipse')) {
    if (!(s.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
    const sb = s.getBoundingClientRect();
    if (x < sb.left || x > sb.right || y < sb.top || y > sb.bottom) continue;
    const ss = getComputedStyle(s);
    const fill = rgba(ss.fill);
    if (!fill || ss.fill === 'none') continue;
    fill.a *= alpha(ss);
    if (!fill.a) continue;
    try {
      const p = new DOMPoint(x, y).matrixTransform(s.getScreenCTM().inverse());
      if (!s.isPointInFill(p)) continue;
    } catch (e) { /* no exact test: the box decides */ }
    bg = over(fill, bg);
  }
  const px = parseFloat(style.fontSize) * (t.getScreenCTM() ? t.getScreenCTM().a : 1);
  const large = px >= 24 || (parseInt(style.fontWeight, 10) >= 700 && px >= 18.66);
  const need = large ? 3 : 4.5;
  const r = ratio(over(fg, bg), bg);
  if (r < need) {
    low.push(`"${t.textContent.slice(0, 40)}" (${t.getAttribute('class') || ''}) ${r.toFixed(2)}:1, ` +
      `needs ${need}: ${style.fill} on rgb(${bg.r | 0}, ${bg.g | 0}, ${bg.b | 0})`);
  }
}
return low;
