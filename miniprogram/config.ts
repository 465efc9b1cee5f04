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
} as const;
