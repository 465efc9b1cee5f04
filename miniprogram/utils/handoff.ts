/**
 * A todo one page asks the Todos tab to open. `wx.switchTab` takes no query, so the id waits here
 * until the Todos page shows (in this one JS context every page shares modules).
 */
let pending: string | undefined;

export const todoToOpen = {
  give(id: string): void {
    pending = id;
  },
  take(): string | undefined {
    const id = pending;
    pending = undefined;
    return id;
  },
};
