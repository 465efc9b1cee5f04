/**
 * The mini-program as miniprogram-ci sees it offline: a project with local attributes, and the
 * guard that keeps the compile check off the network.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as ci from 'miniprogram-ci';

/** WeChat's limits when the platform's own attributes are not fetched (miniprogram-ci's defaults). */
export const LOCAL_ATTRIBUTES = ci.DefaultProjectAttr;
/** WeChat's limit for every package, main or sub (2 MB in those attributes). */
export const PACKAGE_LIMIT_BYTES = LOCAL_ATTRIBUTES.setting.MaxCodeSize * 1024 * 1024;

/**
 * A project whose attributes are given locally: miniprogram-ci otherwise fetches them from WeChat
 * with the upload key (`getattr`), which is the one step of a compile that needs the network.
 */
export class OfflineProject extends ci.Project {
  constructor(projectPath: string) {
    // No key is read: attr() below answers instead of WeChat. The AppID only labels the build.
    super({
      projectPath,
      type: 'miniProgram',
      appid: 'touristappid',
      privateKey: 'offline',
      ignores: ['node_modules/**/*'],
    });
  }

  override async attr(): Promise<typeof LOCAL_ATTRIBUTES> {
    return LOCAL_ATTRIBUTES;
  }
}

export interface OfflineGuard {
  /** Every host:port miniprogram-ci tried to reach (and was refused). */
  attempts: string[];
  close(): Promise<void>;
}

/**
 * Routes miniprogram-ci's requests to a loopback proxy that refuses them. The compiler asks WeChat
 * for its list of allowed file extensions and uses its built-in list when that fails; refusing at
 * once keeps the check offline and fast on machines that do have a network.
 */
export async function guardOffline(): Promise<OfflineGuard> {
  const attempts: string[] = [];
  const server: Server = createServer((req, res) => {
    attempts.push(req.headers.host ?? req.url ?? '?');
    res.writeHead(403).end();
  });
  server.on('connect', (req, socket) => {
    attempts.push(req.url ?? '?');
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ci.proxy(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return { attempts, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
