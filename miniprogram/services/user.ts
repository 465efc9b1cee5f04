/** Profile changes: nickname, avatar and the morning plan, saved by the login function and mirrored in the session. */
import type { CallResult } from '../../typings/contract';
import type { DailyPlan, UserProfile } from '../../typings/login';
import { auth } from './auth';
import { callCloud, platformError } from './cloud';

type ProfileResult = CallResult<{ profile: UserProfile }>;

async function save(patch: {
  nickname?: string;
  avatarFileId?: string;
  dailyPlan?: DailyPlan;
}): Promise<ProfileResult> {
  const result = await callCloud('login', 'updateProfile', patch);
  if (result.ok) auth.updateProfile(result.data.profile);
  return result;
}

/** The morning plan: a push at `time` (the phone's wall clock) every day, while enabled. */
export function saveDailyPlan(dailyPlan: DailyPlan): Promise<ProfileResult> {
  return save({ dailyPlan });
}

export function saveNickname(nickname: string): Promise<ProfileResult> {
  return save({ nickname: nickname.trim() });
}

/**
 * Uploads the picture chosen with `open-type="chooseAvatar"` (a temporary local path) and makes
 * it the avatar. Each upload gets a new path, so no cache anywhere shows the old picture.
 */
export async function saveAvatar(tempFilePath: string, openid: string, now = Date.now()): Promise<ProfileResult> {
  const ext = /\.(png|jpe?g|webp|gif)$/i.exec(tempFilePath)?.[1]?.toLowerCase() ?? 'jpg';
  let fileID: string;
  try {
    ({ fileID } = await wx.cloud.uploadFile({ cloudPath: `avatars/${openid}/${now}.${ext}`, filePath: tempFilePath }));
  } catch (error) {
    return platformError(error);
  }
  return save({ avatarFileId: fileID });
}
