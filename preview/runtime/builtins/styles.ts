/** The built-ins' default look: what WeChat's base library stylesheet gives them. */
// The classic button (app.json without "style": "v2", as Vant Weapp asks): v2's fixed 184 px
// width would squeeze every van-button, which wraps a native button.
const BUILTIN_CSS = `
page { display: block; min-height: 100%; }
view, cover-view, swiper-item, movable-area, rich-text { display: block; }
text, label { display: inline; }
wx-x { display: contents; }
image { display: inline-block; position: relative; width: 320px; height: 240px; overflow: hidden;
  background-repeat: no-repeat; background-position: center; background-size: 100% 100%; }
image[data-mode="aspectFit"] { background-size: contain; } image[data-mode="aspectFill"] { background-size: cover; }
image[data-mode="widthFix"] { height: auto; } image[data-mode="heightFix"] { width: auto; }
image[data-mode="center"] { background-size: auto; }
image[data-mode="top"] { background-size: auto; background-position: top center; }
image[data-mode="bottom"] { background-size: auto; background-position: bottom center; }
image[data-mode="left"] { background-size: auto; background-position: center left; }
image[data-mode="right"] { background-size: auto; background-position: center right; }
input, textarea { display: block; box-sizing: border-box; width: 100%; border: 0; outline: 0; padding: 0; margin: 0; background: transparent;
  font: inherit; color: inherit; text-align: inherit; line-height: inherit; min-height: 1.4rem; }
input { height: 1.4rem; }
textarea { width: 300px; height: 150px; resize: none; }
input::placeholder, textarea::placeholder { color: #999; }
button { position: relative; display: block; box-sizing: border-box; margin: 0 auto; padding: 0 14px;
  font: inherit; font-size: 18px; line-height: 2.55555556; text-align: center; text-decoration: none;
  border: 0; border-radius: 5px; overflow: hidden; color: #000; background-color: #f2f2f2; cursor: pointer; -webkit-tap-highlight-color: transparent; }
button::after { content: " "; position: absolute; top: 0; left: 0; width: 200%; height: 200%; border: 1px solid rgba(0,0,0,.2);
  transform: scale(.5); transform-origin: 0 0; box-sizing: border-box; border-radius: 10px; pointer-events: none; }
button[data-type="primary"] { color: #fff; background-color: #07c160; }
button[data-type="warn"] { color: #fff; background-color: #fa5151; }
button[data-size="mini"] { display: inline-block; width: auto; padding: 0 .9em; font-size: 13px; line-height: 2.3; }
button[data-plain="true"] { background-color: transparent; border: 1px solid currentColor; }
button[disabled] { opacity: .6; cursor: not-allowed; }
button[data-loading="true"]::before { content: ""; display: inline-block; width: 1em; height: 1em; margin-right: .4em; vertical-align: -0.15em;
  border: 2px solid currentColor; border-right-color: transparent; border-radius: 50%; animation: pv-spin .8s linear infinite; }
scroll-view { display: block; width: 100%; position: relative; -webkit-overflow-scrolling: touch; }
scroll-view[data-scroll-y="true"] { overflow-y: auto; } scroll-view[data-scroll-x="true"] { overflow-x: auto; white-space: nowrap; }
swiper { display: flex; position: relative; height: 150px; overflow-x: auto; scroll-snap-type: x mandatory; scrollbar-width: none; }
swiper > swiper-item { flex: 0 0 100%; height: 100%; scroll-snap-align: start; overflow: hidden; }
navigator { display: block; cursor: pointer; }
picker { display: block; cursor: pointer; }
switch { display: inline-block; position: relative; width: 52px; height: 32px; border-radius: 16px; background: #dfdfdf; cursor: pointer; vertical-align: middle; transition: background .2s; }
switch::after { content: ""; position: absolute; top: 2px; left: 2px; width: 28px; height: 28px; border-radius: 50%; background: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.3); transition: transform .2s; }
switch[aria-checked="true"] { background: var(--pv-switch-color, #07c160); }
switch[aria-checked="true"]::after { transform: translateX(20px); }
switch[aria-disabled="true"] { opacity: .5; }
icon { display: inline-block; font-style: normal; line-height: 1; }
icon::before { content: var(--pv-icon); }
progress { display: block; height: 6px; background: #ebebeb; }
`;

/** Scoped to the phone with :where(), which adds no specificity: any class in the app's WXSS still wins. */
export const BUILTINS_CSS = BUILTIN_CSS.replace(/(^|\})\s*([^{}@]+)\{/g, (_m, end: string, selectors: string) => {
  const scoped = selectors
    .split(',')
    .map((s) => `:where(.pv-pages) ${s.trim()}`)
    .join(', ');
  return `${end}\n${scoped} {`;
});
