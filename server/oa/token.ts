/**
 * access_token central control (中控): one token per account for every instance of every
 * function, kept in `oa_accounts` (`_id` = appid) with its expiry. A cold or stale cache is
 * refreshed by exactly one caller: it takes a lease with a conditional update (only when no live
 * lease is held), fetches `cgi-bin/stable_token`, writes the token and drops the lease; everyone
 * else waits and reads again. A token WeChat refused (40001, 40014, 42001) is expired only if it
 * is still the stored one, so a late report never throws away a newer token.
 */
import { randomBytes } from 'node:crypto';
import { isDuplicateWrite, settle, type Database } from '../db';
import { consoleLog, documentCheck, INVALID_DOCUMENT, type Log } from '../documents';
import { anyString, nullable, object, optional, storedDate, type Schema } from '../schema';
import type { OaAccount } from './config';
import { WechatCallError, wechatCall, type WechatFetch } from './wechat-call';

export const ACCOUNTS = 'oa_accounts';
/** stable_token hands out a new token only in the old one's last 5 minutes: refresh from there on. */
const REFRESH_BEFORE_MS = 5 * 60_000;
/** How long a lease holder may take before another caller may take over. */
const LEASE_MS = 10_000;
const POLL_MS = 50;
/** Longest a caller waits for another's refresh before giving up. */
const WAIT_MS = 15_000;
/** `-1` (system busy) is retried this many times, backing off. */
const BUSY_RETRIES = 3;
const BUSY_BACKOFF_MS = 200;

export interface AccountDoc {
  _id: string;
  token: string | null;
  expiresAt: Date;
  leaseId: string | null;
  leaseUntil: Date;
  refreshedAt: Date | null;
  /** Set when WeChat answered 48001 to a customer-service message: the account may not send them. */
  customDeniedAt?: Date | null;
}

function accountDocSchema(): Schema<AccountDoc> {
  return object(
    {
      _id: anyString({ min: 1 }),
      token: nullable(anyString({ min: 1 })),
      expiresAt: storedDate(),
      leaseId: nullable(anyString()),
      leaseUntil: storedDate(),
      refreshedAt: nullable(storedDate()),
      customDeniedAt: optional(nullable(storedDate())),
    },
    { keepUnknown: true },
  );
}

export interface TokenCenterOptions {
  fetch?: WechatFetch;
  now?: () => number;
  log?: Log;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class TokenCenter {
  private readonly now: () => number;
  private readonly check;
  private readonly log: Log;

  constructor(
    private readonly db: Database,
    private readonly account: OaAccount,
    private readonly options: TokenCenterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? consoleLog;
    this.check = documentCheck(ACCOUNTS, accountDocSchema(), this.log);
  }

  /**
   * The account's document. One that is not what this class writes (a console edit) would stop
   * every caller (no lease could ever be taken on it): it is replaced by an empty one, marked with
   * what was wrong, and the next caller refreshes the token.
   */
  private async read(): Promise<AccountDoc | undefined> {
    const { data } = await settle(this.db.collection(ACCOUNTS).where({ _id: this.account.appid }).limit(1).get());
    if (data[0] === undefined) return undefined;
    const parsed = this.check.parse(data[0]);
    if (parsed.ok) return parsed.doc;
    this.log(`oa: ${INVALID_DOCUMENT}: ${ACCOUNTS}/${this.account.appid} replaced by an empty one: ${parsed.reason}`);
    const fresh: Omit<AccountDoc, '_id'> & { invalid: object } = {
      token: null,
      expiresAt: new Date(0),
      leaseId: null,
      leaseUntil: new Date(0),
      refreshedAt: null,
      customDeniedAt: null,
      invalid: { code: INVALID_DOCUMENT, reason: parsed.reason.slice(0, 200), at: new Date(this.now()) },
    };
    await settle(this.db.collection(ACCOUNTS).doc(this.account.appid).set({ data: fresh }));
    return { _id: this.account.appid, ...fresh };
  }

  private fresh(doc: AccountDoc | undefined): string | undefined {
    if (!doc?.token) return undefined;
    return new Date(doc.expiresAt).getTime() - REFRESH_BEFORE_MS > this.now() ? doc.token : undefined;
  }

  /** A valid access_token, fetched by this caller only when no other caller is fetching one. */
  async token(): Promise<string> {
    const giveUp = this.now() + WAIT_MS;
    for (;;) {
      const doc = await this.read();
      const cached = this.fresh(doc);
      if (cached) return cached;
      const lease = await this.takeLease(doc);
      if (lease) return this.refresh(lease, doc?.token ?? null);
      if (this.now() > giveUp)
        throw new WechatCallError(-1, 'waited too long for another caller to refresh the access_token');
      await sleep(POLL_MS);
    }
  }

  /** Whether the account was refused customer-service messages (48001); cleared by a later success. */
  async customDenied(): Promise<boolean> {
    return Boolean((await this.read())?.customDeniedAt);
  }

  async setCustomDenied(denied: boolean): Promise<void> {
    await settle(
      this.db
        .collection(ACCOUNTS)
        .where({ _id: this.account.appid })
        .update({ data: { customDeniedAt: denied ? new Date(this.now()) : null } }),
    );
  }

  /** Marks `token` expired, only if it is still the stored one (another caller may have replaced it). */
  async expire(token: string): Promise<boolean> {
    const { stats } = await settle(
      this.db
        .collection(ACCOUNTS)
        .where({ _id: this.account.appid, token })
        .update({ data: { expiresAt: new Date(0) } }),
    );
    return stats.updated > 0;
  }

  private async takeLease(doc: AccountDoc | undefined): Promise<string | undefined> {
    const leaseId = randomBytes(8).toString('hex');
    const now = new Date(this.now());
    const until = new Date(this.now() + LEASE_MS);
    if (!doc) {
      const fresh: AccountDoc = {
        _id: this.account.appid,
        token: null,
        expiresAt: new Date(0),
        leaseId,
        leaseUntil: until,
        refreshedAt: null,
      };
      try {
        await settle(this.db.collection(ACCOUNTS).add({ data: fresh }));
        return leaseId;
      } catch (error) {
        if (isDuplicateWrite(error)) return undefined;
        throw error;
      }
    }
    const _ = this.db.command;
    // Compare-and-set on what this caller saw: the lease lapsed and no refresh since, so of many
    // callers one wins, and none refreshes again after another already did.
    const { stats } = await settle(
      this.db
        .collection(ACCOUNTS)
        .where({ _id: this.account.appid, leaseUntil: _.lte(now), refreshedAt: doc.refreshedAt ?? null })
        .update({ data: { leaseId, leaseUntil: until } }),
    );
    return stats.updated > 0 ? leaseId : undefined;
  }

  private async refresh(leaseId: string, failed: string | null): Promise<string> {
    try {
      let grant = await this.fetchStable(false);
      // stable_token answers the same token while WeChat thinks it valid; one it refused needs a force.
      if (failed !== null && grant.token === failed) grant = await this.fetchStable(true);
      await settle(
        this.db
          .collection(ACCOUNTS)
          .where({ _id: this.account.appid, leaseId })
          .update({
            data: {
              token: grant.token,
              expiresAt: new Date(this.now() + grant.expiresIn * 1000),
              leaseId: null,
              leaseUntil: new Date(0),
              refreshedAt: new Date(this.now()),
            },
          }),
      );
      return grant.token;
    } catch (error) {
      // Let the next caller try at once rather than wait out the lease.
      await settle(
        this.db
          .collection(ACCOUNTS)
          .where({ _id: this.account.appid, leaseId })
          .update({ data: { leaseId: null, leaseUntil: new Date(0) } }),
      ).catch(() => undefined);
      throw error;
    }
  }

  private async fetchStable(force: boolean): Promise<{ token: string; expiresIn: number }> {
    const body = {
      grant_type: 'client_credential',
      appid: this.account.appid,
      secret: this.account.secret,
      ...(force ? { force_refresh: true } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await wechatCall(this.account.apiBase, 'cgi-bin/stable_token', {
          body,
          fetch: this.options.fetch,
        });
        const token = answer.access_token;
        const expiresIn = answer.expires_in;
        if (typeof token !== 'string' || typeof expiresIn !== 'number') {
          throw new WechatCallError(-1, 'stable_token answered without access_token');
        }
        return { token, expiresIn };
      } catch (error) {
        if (!(error instanceof WechatCallError) || error.errcode !== -1 || attempt >= BUSY_RETRIES) throw error;
        await sleep(BUSY_BACKOFF_MS * 2 ** attempt);
      }
    }
  }
}

/** The errcodes that mean the access_token itself was refused. */
export const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
