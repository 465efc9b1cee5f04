// Runs inside the preview page (added as an init script by test/e2e/look.test.ts): reads what a
// person sees from computed styles. Plain browser JavaScript, so it needs no DOM typings in the tests.
(function () {
  function parse(color) {
    const m = /rgba?\(([^)]+)\)/.exec(color);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1]
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  }

  // A colour over another (both [r, g, b, a]); the result is opaque when `under` is.
  function over(top, under) {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([a + under[3] * (1 - a)]);
  }

  function luminance(rgb) {
    const c = rgb.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function ratio(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }

  // The colour behind an element: its own background and its ancestors', layered, white at the end.
  function backgroundOf(el) {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    return layers.reduceRight((under, top) => over(top, under), [255, 255, 255, 1]);
  }

  function disabled(el) {
    return !!el.closest('[disabled], [aria-disabled="true"], .van-button--disabled');
  }

  // Text a person can see in `root`: on screen, not covered by a mask or clipped away.
  function visibleTexts(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const found = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      const el = node.parentElement;
      if (!text || !el) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rect = range.getBoundingClientRect();
      if (rect.width < 1 || rect.height < 1) continue;
      const x = rect.left + Math.min(rect.width / 2, 6);
      const y = rect.top + rect.height / 2;
      const top = document.elementFromPoint(x, y);
      if (!top || !(el.contains(top) || top.contains(el))) continue;
      found.push({ text, el });
    }
    return found;
  }

  window.__look = {
    // Every visible text below 4.5:1 against what is behind it, as { text, ratio, color, background }.
    lowContrast(selector, minimum) {
      const failures = [];
      for (const root of document.querySelectorAll(selector)) {
        for (const { text, el } of visibleTexts(root)) {
          if (disabled(el)) continue;
          const style = getComputedStyle(el);
          const background = backgroundOf(el);
          let opacity = 1;
          for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
            opacity *= Number(getComputedStyle(node).opacity);
          }
          const color = parse(style.color);
          const fg = over([color[0], color[1], color[2], color[3] * opacity], background);
          const r = ratio(fg, background);
          if (r < minimum)
            failures.push({
              text: text.slice(0, 40),
              ratio: Math.round(r * 100) / 100,
              color: style.color,
              background,
            });
        }
      }
      return failures;
    },
    // How many texts the check looked at (a check of nothing proves nothing).
    visibleTextCount(selector) {
      let n = 0;
      for (const root of document.querySelectorAll(selector)) n += visibleTexts(root).length;
      return n;
    },
    // Computed colours of the first element matching each selector (absent ones are left out).
    colours(selectors) {
      const out = {};
      for (const [name, [selector, property]] of Object.entries(selectors)) {
        const el = document.querySelector(selector);
        if (el) out[name] = getComputedStyle(el)[property];
      }
      return out;
    },
    // The icon font: each vant-icon face's status once loading settled, and whether it can draw.
    async iconFont() {
      await document.fonts.ready;
      const faces = [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'vant-icon');
      return { statuses: faces.map((f) => f.status), drawable: document.fonts.check('16px vant-icon', '\ue6fa') };
    },
  };
})();
