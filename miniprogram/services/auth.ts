/**
 * Login: one flight at a time (concurrent callers share it), cached in storage with an expiry,
 * transient failures retried with exponential backoff. `session_key` never reaches the client.
 */
import type { ApiError, CallResult } from '../../typings/contract';
import type { LoginResult, UserProfile } from '../../typings/login';
import { config } from '../config';
import { callCloud, isTransient } from './cloud';

export interface Session {
  openid: string;
  unionid?: string;
  profile: UserProfile;
  isNewUser: boolean;
  /** ms since epoch */
  expiresAt: number;
}

export interface AuthDeps {
  login(code: string | undefined): Promise<CallResult<LoginResult>>;
  getCode(): Promise<string | undefined>;
  storage: { get(key: string): unknown; set(key: string, value: unknown): void; remove(key: string): void };
  now(): number;
  delay(ms: number): Promise<void>;
  ttlMs: number;
  attempts: number;
  retryBaseMs: number;
}

export const SESSION_KEY = 'auth.session';

function isSession(value: unknown): value is Session {
  const s = value as Partial<Session> | null;
  return typeof s === 'object' && s !== null && typeof s.openid === 'string' && typeof s.expiresAt === 'number';
}

/** A login that failed for good: an Error carrying the contract's error. */
export interface AuthError extends Error {
  name: 'AuthError';
  error: ApiError;
}

// An Error with fields, not a subclass: WeChat compiles to ES5, where `extends Error` pulls 3.4 KB of babel helpers into the main package.
export function authError(error: ApiError): AuthError {
  return Object.assign(new Error(error.message), { name: 'AuthError' as const, error });
}

export function isAuthError(value: unknown): value is AuthError {
  return value instanceof Error && value.name === 'AuthError' && 'error' in value;
}

export class Auth {
  private inflight: Promise<Session> | undefined;
  private listeners = new Set<(session: Session) => void>();

  constructor(private readonly deps: AuthDeps) {}

  /** The cached session when still valid, without a network call. */
  current(): Session | undefined {
    const cached = this.deps.storage.get(SESSION_KEY);
    return isSession(cached) && cached.expiresAt > this.deps.now() ? cached : undefined;
  }

  /** A valid session: the cached one, or a login shared by every caller waiting at the time. */
  ensure(): Promise<Session> {
    const cached = this.current();
    if (cached) return Promise.resolve(cached);
    return this.refresh();
  }

  /** Logs in again even when a cached session exists (pull to refresh, profile changes). */
  refresh(): Promise<Session> {
    this.inflight ??= this.loginWithRetry().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Replaces the cached profile after the server confirmed a change. */
  updateProfile(profile: UserProfile): void {
    const session = this.current();
    if (session) this.store({ ...session, profile });
  }

  onChange(listener: (session: Session) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  signOut(): void {
    this.deps.storage.remove(SESSION_KEY);
  }

  private async loginWithRetry(): Promise<Session> {
    let last: ApiError | undefined;
    for (let attempt = 0; attempt < this.deps.attempts; attempt++) {
      if (attempt > 0) await this.deps.delay(this.deps.retryBaseMs * 2 ** (attempt - 1));
      // A code is single-use, so every attempt asks for a fresh one.
      const result = await this.deps.login(await this.deps.getCode());
      if (result.ok) {
        const { openid, unionid, profile, isNewUser } = result.data;
        return this.store({
          openid,
          ...(unionid ? { unionid } : {}),
          profile,
          isNewUser,
          expiresAt: this.deps.now() + this.deps.ttlMs,
        });
      }
      last = result;
      if (!isTransient(result)) break;
    }
    throw authError(last ?? { ok: false, code: 'INTERNAL', message: 'login made no attempt' });
  }

  private store(session: Session): Session {
    this.deps.storage.set(SESSION_KEY, session);
    for (const listener of this.listeners) listener(session);
    return session;
  }
}

export function createAuth(overrides: Partial<AuthDeps> = {}): Auth {
  return new Auth({
    login: (code) => callCloud('login', 'login', code ? { code } : {}),
    getCode: async () => {
      try {
        return (await wx.login()).code;
      } catch {
        // Without a code the function still knows the caller from its WeChat context.
        return undefined;
      }
    },
    storage: {
      get: (key) => wx.getStorageSync(key) as unknown,
      set: (key, value) => wx.setStorageSync(key, value),
      remove: (key) => wx.removeStorageSync(key),
    },
    now: () => Date.now(),
    delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ttlMs: config.loginTtlMs,
    attempts: config.loginAttempts,
    retryBaseMs: config.retryBaseMs,
    ...overrides,
  });
}

export const auth = createAuth();
