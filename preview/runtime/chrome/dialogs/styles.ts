/** The dialogs' CSS: the overlay and its layers, toast, modal, sheets, subscription prompt, picker. */
export const DIALOGS_CSS = `
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
`;
