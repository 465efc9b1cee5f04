/**
 * The chrome's CSS: the desk and the side panel, the phone, the navigation bar, the page frames (with
 * the pull-down indicator) and the tab bar. The dialogs' CSS is in dialogs/styles.ts.
 */
export const CHROME_CSS = `
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
.pv-nav--white .pv-nav__capsule { border-color: rgba(255,255,255,.25); }
.pv-nav--white .pv-nav__capsule button { background: rgba(0,0,0,.15); color: #fff; }
.pv-pages { position: relative; flex: 1; min-height: 0; }
.pv-page { position: absolute; inset: 0; display: none; transform: translateZ(0); overflow: hidden; }
.pv-page--active { display: block; }
/* A phone shows no scrollbar; a desktop one would narrow the page and everything fixed on it. */
.pv-scroll { height: 100%; overflow-y: auto; overflow-x: hidden; overscroll-behavior: contain; scrollbar-width: none; }
.pv-scroll::-webkit-scrollbar { display: none; }
/* The dots show while the page is pulled (following the drag) and while it refreshes, and fade a moment
   after the refresh ends, so even a refresh answered at once is seen. */
.pv-refresh { display: flex; justify-content: center; align-items: center; gap: 6px; height: 0; overflow: hidden; opacity: 0;
  transition: height .2s .35s, opacity .2s .35s; }
.pv-page--pulling .pv-refresh { height: var(--pv-pull, 0); opacity: 1; transition: none; }
.pv-refresh i { width: 6px; height: 6px; border-radius: 50%; background: #aaa; animation: pv-blink 1s infinite; }
.pv-refresh i:nth-child(2) { animation-delay: .2s; } .pv-refresh i:nth-child(3) { animation-delay: .4s; }
.pv-page--refreshing .pv-refresh { height: 44px; opacity: 1; transition: none; }
.pv-tabbar { display: flex; height: 50px; flex-shrink: 0; border-top: 1px solid rgba(0,0,0,.15); }
.pv-tabbar[hidden] { display: none; }
.pv-tabbar__item { position: relative; flex: 1; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 2px;
  background: none; border: 0; font-size: 12px; cursor: pointer; }
.pv-tabbar__item img { width: 24px; height: 24px; }
.pv-badge { position: absolute; top: 4px; left: 55%; background: #fa5151; color: #fff; font-style: normal; font-size: 10px; padding: 0 5px; border-radius: 8px; }
.pv-dot { position: absolute; top: 6px; left: 58%; width: 8px; height: 8px; border-radius: 50%; background: #fa5151; }
@keyframes pv-spin { to { transform: rotate(360deg); } }
@keyframes pv-blink { 50% { opacity: .3; } }
`;
