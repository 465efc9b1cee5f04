/**
 * access_token as WeChat issues it, per app, in two isolated families:
 * - `cgi-bin/stable_token`: the same token while more than 5 minutes remain, a new one in the last
 *   5 minutes (the old one keeps working until it expires); `force_refresh` revokes the current
 *   token at once and issues a new one, at most 20 times a day, and a force within 30 s of the last
 *   one does not refresh (it answers the current token).
 * - `cgi-bin/token`: a new token on every call; the previous one works for 5 more minutes.
 * Every other API checks the token it is given: missing 41001, not a token at all 40014, revoked
 * or unknown 40001, past its time 42001.
 */
import { randomBytes } from 'node:crypto';
import { shanghaiDate } from '../clock';
import { WxFailure } from './errors';

export const TOKEN_TTL_S = 7200;
const GRACE_MS = 5 * 60_000;
const FORCE_GAP_MS = 30_000;
const FORCE_PER_DAY = 20;
const BASIC_PER_DAY = 2000;
const TOKEN_PREFIX = 'LOCALWX_';

interface IssuedToken {
  token: string;
  appid: string;
  expiresAt: number;
  /** Stops working from this moment (force_refresh). */
  revokedAt?: number;
}

interface DailyCount {
  day: string;
  count: number;
}

function spend(counter: DailyCount | undefined, now: number, limit: number): DailyCount {
  // WeChat's daily quotas reset at midnight Beijing time.
  const day = shanghaiDate(now);
  const current = counter && counter.day === day ? counter : { day, count: 0 };
  if (current.count >= limit) throw new WxFailure(45009);
  return { day, count: current.count + 1 };
}

export interface TokenGrant {
  access_token: string;
  expires_in: number;
}

export class Tokens {
  private readonly issued = new Map<string, IssuedToken>();
  private readonly stable = new Map<string, IssuedToken>();
  private readonly basic = new Map<string, IssuedToken>();
  private readonly forces = new Map<string, { lastAt: number; daily: DailyCount }>();
  private readonly basicDaily = new Map<string, DailyCount>();

  constructor(private readonly now: () => number) {}

  private issue(appid: string): IssuedToken {
    const token: IssuedToken = {
      token: `${TOKEN_PREFIX}${randomBytes(48).toString('base64url')}`,
      appid,
      expiresAt: this.now() + TOKEN_TTL_S * 1000,
    };
    this.issued.set(token.token, token);
    return token;
  }

  private grant(token: IssuedToken): TokenGrant {
    return { access_token: token.token, expires_in: Math.floor((token.expiresAt - this.now()) / 1000) };
  }

  stableToken(appid: string, forceRefresh: boolean): TokenGrant {
    const now = this.now();
    const current = this.stable.get(appid);
    const live = current && current.revokedAt === undefined && current.expiresAt > now ? current : undefined;
    if (forceRefresh) {
      const record = this.forces.get(appid);
      // Forcing again within 30 s does not refresh: the current token is answered.
      if (live && record && now - record.lastAt < FORCE_GAP_MS) return this.grant(live);
      const daily = spend(record?.daily, now, FORCE_PER_DAY);
      this.forces.set(appid, { lastAt: now, daily });
      if (current) current.revokedAt = now;
    } else if (live && live.expiresAt - now > GRACE_MS) {
      return this.grant(live);
    }
    const next = this.issue(appid);
    this.stable.set(appid, next);
    return this.grant(next);
  }

  basicToken(appid: string): TokenGrant {
    const now = this.now();
    this.basicDaily.set(appid, spend(this.basicDaily.get(appid), now, BASIC_PER_DAY));
    const previous = this.basic.get(appid);
    if (previous) previous.expiresAt = Math.min(previous.expiresAt, now + GRACE_MS);
    const next = this.issue(appid);
    this.basic.set(appid, next);
    return this.grant(next);
  }

  /** The app a token belongs to, or the errcode WeChat answers for it. */
  check(token: string | undefined): string {
    if (token === undefined || token === '') throw new WxFailure(41001);
    if (!token.startsWith(TOKEN_PREFIX)) throw new WxFailure(40014);
    const issued = this.issued.get(token);
    const now = this.now();
    if (!issued || (issued.revokedAt !== undefined && issued.revokedAt <= now)) throw new WxFailure(40001);
    if (issued.expiresAt <= now) throw new WxFailure(42001);
    return issued.appid;
  }
}
