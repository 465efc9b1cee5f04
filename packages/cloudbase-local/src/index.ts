/**
 * cloudbase-local's public API: start a local cloud from code (`startLocalCloud`), or run its
 * command line with a project's own profile (`main`, `runCli`). Everything else is internal.
 */
import { seal, signature, unseal } from './wechat/official/cipher';
import { readXml, toXml } from './wechat/official/xml';

export { DEFAULT_PORT, startLocalCloud } from './cloud';
export type {
  Delivery,
  HttpRoute,
  LocalCloud,
  LocalCloudOptions,
  MessageMode,
  RouteHandler,
  UpgradeHandler,
  WechatOptions,
} from './cloud';
export {
  fireRemote,
  GENERIC,
  isEntryPoint,
  main,
  parseArgs,
  parseEnvFile,
  runCli,
  runningUrl,
  usage,
  UsageError,
} from './cli';
export type { CliHandle, CliOptions, CliProfile } from './cli';
export type { Change, Doc } from './database/store/types';
export type { DelayedChange, DelayedTask, DelayedTasks } from './delayed';
export { contentTypeOf, isMediaType } from './wire/mime';

/** WeChat's message encryption (safe mode) and XML, as its servers use them: for testing an Official Account server. */
export const wechatMessages = { seal, unseal, signature, readXml, toXml };
