/**
 * A loopback HTTPS proxy that answers chosen hosts itself: a CONNECT to one of them ends in a TLS
 * server holding a throwaway certificate for those names, which only a child process started
 * with `env` trusts (NODE_EXTRA_CA_CERTS). Any other host is refused and recorded, so a test
 * also proves nothing else was contacted.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Intercept {
  /** For the child: both proxy spellings (clients read either), the certificate, no bypass list. */
  env: Record<string, string>;
  /** CONNECT targets that were not intercepted. */
  refused: string[];
  close(): Promise<void>;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function interceptHttps(
  hosts: string[],
  handle: (req: IncomingMessage, res: ServerResponse, host: string) => Promise<void>,
): Promise<Intercept> {
  const dir = mkdtempSync(join(tmpdir(), 'https-intercept-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const names = hosts.map((host) => `DNS:${host}`).join(',');
  // The Node.js client checks the name against subjectAltName; one self-signed certificate serves all.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${hosts[0]}`,
      '-addext',
      `subjectAltName=${names}`,
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'ignore' },
  );
  const tls = createTlsServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:443$/, '');
    handle(req, res, host).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  const refused: string[] = [];
  const proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, socket) => {
    const [host, port] = (req.url ?? '').split(':');
    if (port !== '443' || !hosts.includes(host)) {
      refused.push(req.url ?? '?');
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    tls.emit('connection', socket);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    env: {
      HTTPS_PROXY: url,
      https_proxy: url,
      http_proxy: url,
      NODE_EXTRA_CA_CERTS: certPath,
      no_proxy: '',
      NO_PROXY: '',
    },
    refused,
    close: async () => {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      tls.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
