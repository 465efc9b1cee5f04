/**
 * The mini-program's configuration, in one module. Ids here are not secrets (they ship in the
 * package anyway); AppSecrets and keys live only in cloud function environment variables.
 */
export const config = {
  /** CloudBase environment id; empty means the environment selected in WeChat DevTools. */
  cloudEnv: '',
  /** A cached login is trusted this long before the app asks the login function again. */
  loginTtlMs: 12 * 60 * 60 * 1000,
  /** Attempts for a transient failure (network, timeout, cold start) before giving up. */
  loginAttempts: 3,
  /** First retry delay; each later one doubles it. */
  retryBaseMs: 400,
  homePage: '/pages/todos/index',
  /**
   * The one-time subscription template reminders use (WeChat admin > 订阅消息). Must equal the
   * remind function's REMIND_TEMPLATE_ID; the local cloud's example .env uses this placeholder.
   */
  remindTemplateId: 'local-remind-template',
  /** How long a deleted todo can be brought back before it is removed for good. */
  undoMs: 4000,
} as const;
