/** Lengths the cloud functions accept, in characters as people count them (code points): the pages hold input to the same. */
export const TITLE_MAX = 100;
export const NOTE_MAX = 1000;
/** A chat message. */
export const MESSAGE_MAX = 2000;
/** Steps in a todo's checklist, and a step's title. */
export const STEPS_MAX = 30;
export const STEP_TITLE_MAX = 100;
/** What the quick-add field reads. */
export const QUICK_ADD_MAX = 200;
