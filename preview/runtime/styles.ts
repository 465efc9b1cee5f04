/**
 * The preview's own CSS: the desk and phone frame, the bars and dialogs, and the default look of
 * WeChat's built-in components (what WeChat's base library stylesheet gives them).
 */
const DESK_CSS = `
html, body.pv-body { margin: 0; height: 100%; }
body.pv-body { background: #e8eaed; font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Noto Sans CJK SC', sans-serif; color: #222; }
@media (prefers-color-scheme: dark) { body.pv-body { background: #202124; color: #e8eaed; } }
.pv-desk { display: flex; gap: 32px; align-items: flex-start; justify-content: center; padding: 16px; box-sizing: border-box; min-height: 100%; }
.pv-side { width: 220px; font-size: 13px; display: flex; flex-direction: column; gap: 10px; }
.pv-title { font-size: 16px; }
.pv-note { color: #70757a; margin: 0; line-height: 1.4; }
.pv-field { display: flex; flex-direction: column; gap: 4px; }
.pv-side select, .pv-side button { font: inherit; padding: 4px 8px; }
.pv-buttons { display: flex; flex-direction: column; gap: 6px; }
.pv-phone { --phone-width: 375px; width: var(--phone-width); height: min(calc(100vh - 32px), 812px); flex-shrink: 0;
  border-radius: 24px; box-shadow: 0 0 0 10px #111, 0 12px 40px rgba(0,0,0,.35); overflow: hidden; }
.pv-screen { --rpx: calc(var(--phone-width) / 750); position: relative; display: flex; flex-direction: column; height: 100%;
  overflow: hidden; transform: translateZ(0); font-size: 16px; line-height: normal; }
.pv-nav { position: relative; display: flex; align-items: center; justify-content: center; height: 44px; flex-shrink: 0; padding: 0 8px; }
.pv-nav[hidden] { display: none; }
.pv-nav__title { font-size: 17px; font-weight: 500; max-width: 55%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pv-nav__back, .pv-nav__home { position: absolute; left: 4px; background: none; border: 0; color: inherit; font-size: 28px; width: 40px; height: 44px; cursor: pointer; }
.pv-nav__back[hidden], .pv-nav__home[hidden] { display: none; }
.pv-nav__loading { width: 16px; height: 16px; margin-right: 6px; border: 2px solid currentColor; border-right-color: transparent; border-radius: 50%; animation: pv-spin 0.8s linear infinite; }
.pv-nav__loading[hidden] { display: none; }
.pv-nav__capsule { position: absolute; right: 7px; display: flex; height: 32px; border-radius: 16px; border: 1px solid rgba(127,127,127,.35); overflow: hidden; }
.pv-nav__capsule button { background: rgba(255,255,255,.6); border: 0; width: 43px; font-size: 14px; cursor: pointer; color: #000; }
.pv-pages { position: relative; flex: 1; min-height: 0; }
.pv-page { position: absolute; inset: 0; display: none; transform: translateZ(0); overflow: hidden; }
.pv-page--active { display: block; }
.pv-scroll { height: 100%; overflow-y: auto; overflow-x: hidden; overscroll-behavior: contain; }
.pv-refresh { display: none; justify-content: center; gap: 6px; padding: 14px 0; }
.pv-refresh i { width: 6px; height: 6px; border-radius: 50%; background: #aaa; animation: pv-blink 1s infinite; }
.pv-refresh i:nth-child(2) { animation-delay: .2s; } .pv-refresh i:nth-child(3) { animation-delay: .4s; }
.pv-page--refreshing .pv-refresh { display: flex; }
.pv-tabbar { display: flex; height: 50px; flex-shrink: 0; border-top: 1px solid rgba(0,0,0,.15); }
.pv-tabbar[hidden] { display: none; }
.pv-tabbar__item { position: relative; flex: 1; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 2px;
  background: none; border: 0; font-size: 12px; cursor: pointer; }
.pv-tabbar__item img { width: 24px; height: 24px; }
.pv-badge { position: absolute; top: 4px; left: 55%; background: #fa5151; color: #fff; font-style: normal; font-size: 10px; padding: 0 5px; border-radius: 8px; }
.pv-dot { position: absolute; top: 6px; left: 58%; width: 8px; height: 8px; border-radius: 50%; background: #fa5151; }
.pv-overlay { position: absolute; inset: 0; pointer-events: none; z-index: 10000; }
.pv-layer { position: absolute; inset: 0; display: flex; pointer-events: auto; }
.pv-toast-layer:not(.pv-layer--mask) { pointer-events: none; }
.pv-layer--mask.pv-modal-layer, .pv-layer--mask.pv-sheet-layer { background: rgba(0,0,0,.6); }
.pv-toast-layer { align-items: center; justify-content: center; }
.pv-toast { min-width: 120px; max-width: 70%; padding: 16px; border-radius: 8px; background: rgba(17,17,17,.85); color: #fff; text-align: center; font-size: 14px; }
.pv-toast--text { min-width: 0; padding: 10px 16px; }
.pv-toast p { margin: 6px 0 0; } .pv-toast--text p { margin: 0; }
.pv-toast__icon { display: block; margin: 0 auto; font-size: 36px; font-style: normal; }
img.pv-toast__icon { width: 40px; height: 40px; }
.pv-spinner { display: block; margin: 0 auto; width: 32px; height: 32px; border: 3px solid #fff; border-right-color: transparent; border-radius: 50%; animation: pv-spin .8s linear infinite; }
.pv-modal-layer { align-items: center; justify-content: center; }
.pv-modal { width: 80%; background: #fff; color: #111; border-radius: 12px; overflow: hidden; text-align: center; }
.pv-modal h2 { font-size: 17px; margin: 24px 16px 8px; }
.pv-modal p { white-space: pre-wrap; color: #555; margin: 8px 20px 20px; font-size: 15px; }
.pv-modal__input { width: 80%; margin: 8px 0 16px; padding: 8px; font-size: 15px; }
.pv-modal__buttons { display: flex; border-top: 1px solid #eee; }
.pv-modal__buttons button { flex: 1; height: 50px; background: none; border: 0; font-size: 17px; cursor: pointer; color: #111; }
.pv-modal__buttons button + button { border-left: 1px solid #eee; }
.pv-primary { color: #576b95 !important; font-weight: 600; }
.pv-sheet-layer { align-items: flex-end; }
.pv-sheet { width: 100%; background: #f7f7f7; color: #111; border-radius: 12px 12px 0 0; overflow: hidden; display: flex; flex-direction: column; }
.pv-sheet > button { height: 56px; border: 0; border-bottom: 1px solid #eee; background: #fff; font-size: 17px; cursor: pointer; color: #111; }
.pv-sheet__cancel { margin-top: 8px; }
.pv-sheet__alert { margin: 0; padding: 16px; text-align: center; color: #888; font-size: 14px; background: #fff; }
.pv-subscribe { background: #fff; padding-top: 8px; }
.pv-subscribe h2 { font-size: 16px; margin: 16px 20px; }
.pv-subscribe__row { display: flex; align-items: center; gap: 10px; padding: 10px 20px; font-size: 14px; }
.pv-picker__head { display: flex; justify-content: space-between; background: #fff; border-bottom: 1px solid #eee; }
.pv-picker__head button { background: none; border: 0; font-size: 16px; padding: 14px 20px; cursor: pointer; }
.pv-picker select, .pv-picker input { margin: 16px; font-size: 17px; padding: 6px; }
.pv-picker__columns { display: flex; gap: 8px; padding: 8px; background: #fff; }
.pv-picker__columns select { flex: 1; margin: 0; }
@keyframes pv-spin { to { transform: rotate(360deg); } }
@keyframes pv-blink { 50% { opacity: .3; } }
`;

/**
 * Built-in components, as WeChat's base library styles them. Scoped to the phone with :where(), which
 * adds no specificity, so any class in the app's WXSS still wins over these defaults.
 */
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

export const PREVIEW_CSS =
  DESK_CSS +
  BUILTIN_CSS.replace(/(^|\})\s*([^{}@]+)\{/g, (_m, end: string, selectors: string) => {
    const scoped = selectors
      .split(',')
      .map((s) => `:where(.pv-pages) ${s.trim()}`)
      .join(', ');
    return `${end}\n${scoped} {`;
  });
