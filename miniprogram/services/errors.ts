/** The one place that turns contract error codes into words for people (zh-CN). */
import type { ReplyErrorCode } from '../../typings/chat';
import type { ApiError, ErrorCode } from '../../typings/contract';

const TEXT: Record<ErrorCode, string> = {
  INVALID_ARGUMENT: '填写的内容有误，请检查后再试',
  UNAUTHENTICATED: '登录已失效，请重新打开小程序',
  PERMISSION_DENIED: '没有权限进行此操作',
  NOT_FOUND: '内容不存在或已被删除',
  CONFLICT: '内容已被修改，请刷新后再试',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  QUOTA_EXCEEDED: '今天的次数已用完，明天再来吧',
  CONTENT_BLOCKED: '内容包含不当信息，请修改后再试',
  UPSTREAM: '服务暂时繁忙，请稍后再试',
  UNKNOWN_ACTION: '当前版本过旧，请更新小程序',
  INTERNAL: '服务出了点问题，请稍后再试',
  NETWORK: '网络不可用，请检查网络后重试',
  TIMEOUT: '请求超时，请稍后重试',
  UNAVAILABLE: '服务暂不可用，请稍后再试',
};

export function userMessage(error: Pick<ApiError, 'code'>): string {
  return TEXT[error.code] ?? TEXT.INTERNAL;
}

/** Shows the error as a toast; long enough to read a sentence. */
export function showError(error: Pick<ApiError, 'code'>): void {
  wx.showToast({ title: userMessage(error), icon: 'none', duration: 2500 });
}

/** Why an assistant reply ended as `failed`, in words. */
const REPLY_TEXT: Record<ReplyErrorCode, string> = {
  MODEL_TIMEOUT: '模型响应超时，请重试',
  MODEL_AUTH: '模型服务的密钥无效，请联系管理员',
  MODEL_RATE_LIMITED: '模型服务繁忙，请稍后重试',
  MODEL_UNAVAILABLE: '模型服务暂不可用，请稍后重试',
  MODEL_REJECTED: '模型拒绝了这次请求，请换个说法试试',
  MODEL_ERROR: '模型出错了，请重试',
  MODEL_TRUNCATED: '回复中断了，请重试',
  REPLY_TIMEOUT: '回复太长，已在时限内停止',
  INTERRUPTED: '回复意外中断，请重试',
};

export function replyErrorMessage(code: ReplyErrorCode): string {
  return REPLY_TEXT[code] ?? TEXT.INTERNAL;
}
