import type { Action } from './functions';

/** A user as the client sees it. Dates travel as ISO 8601 strings (UTC). */
export interface UserProfile {
  openid: string;
  /** Present only when the mini-program is bound to a WeChat Open Platform account. */
  unionid?: string;
  /** 1–32 characters, trimmed; empty until the user sets one. */
  nickname: string;
  /** A storage fileID (cloud://...), empty until the user picks an avatar. */
  avatarFileId: string;
  createdAt: string;
  lastLoginAt: string;
  loginCount: number;
  /** Follows the Official Account (known by unionid; false when the user has none). */
  followsOfficialAccount?: boolean;
  /** The morning plan: a push at `time` every day; null when never turned on. */
  dailyPlan: DailyPlan | null;
}

/** A push each morning with today's due and overdue todos and the most urgent one. */
export interface DailyPlan {
  enabled: boolean;
  /** "07:30": a wall-clock time in the user's zone. */
  time: string;
}

export interface LoginResult {
  openid: string;
  unionid?: string;
  isNewUser: boolean;
  profile: UserProfile;
}

export interface LoginActions {
  /** `code` from wx.login; used for jscode2session when an AppSecret is configured. */
  login: Action<{ code?: string }, LoginResult>;
  updateProfile: Action<{ nickname?: string; avatarFileId?: string; dailyPlan?: DailyPlan }, { profile: UserProfile }>;
}
