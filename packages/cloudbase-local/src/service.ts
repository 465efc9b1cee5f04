/**
 * The one small interface every emulated CloudBase service implements, and the registry the server
 * routes through. A service owns its state, its `/admin` actions, its HTTP routes, its part of the
 * inspector's API and of import/export; adding one means a folder and a line in startLocalCloud.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** A parsed `/admin` request: JSON fields, or multipart fields where file parts are Buffers. */
export type AdminParams = Record<string, unknown>;

/** An `/admin` answer: JSON (the server adds `requestId`), or bytes (wx.openApi's protobuf). */
export type AdminReply =
  { kind: 'json'; body: Record<string, unknown> } | { kind: 'binary'; contentType: string; body: Buffer };

/** Who is calling from a client SDK: the mini-program user, from the x-wx-openid header (none: signed out). */
export interface ClientCaller {
  openid?: string;
}

/** Serves a request and answers true, or answers false without touching it. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** One request to `/_/api/...`, handed to the service that owns its first path segment. */
export interface InspectorRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
  /** The decoded path segments after `/_/api/`, e.g. `['collections', 'todos', 'docs']`. */
  route: string[];
  json(status: number, body: unknown): void;
  /** The raw body within the body limit; on overflow or a broken stream answers 413/400 and resolves undefined. */
  bytes(): Promise<Buffer | undefined>;
  /** The body as a JSON object; otherwise answers 400 (or 413) and resolves undefined. */
  object(): Promise<Record<string, unknown> | undefined>;
}

/** Answers true when it served the request; false leaves the inspector's 404. */
export type InspectorRoute = (request: InspectorRequest) => Promise<boolean> | boolean;

/** Something changed that the inspector shows: `type` names it (`change`, `invocation` ...), `data` says what. */
export interface LiveEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Loads a checked part of an import; returns a summary. */
export type RestoreStep = () => Promise<string>;

export interface Service {
  /** What it emulates, in one word: `database`, `functions`, `storage` ... */
  readonly name: string;
  /** The `/admin` actions it answers: exact names, or prefixes ending in `.` (`storage.`). */
  readonly actions?: readonly string[];
  /** Answers one of its actions; a thrown error becomes CloudBase's `{ code, message }` answer. */
  admin?(action: string, params: AdminParams, requestId: string): Promise<AdminReply>;
  /**
   * The client SDKs' actions it answers at `POST /web` (the js-sdk's endpoint for `database.*` and
   * `auth.wsWebSign`): exact names, or prefixes ending in `.`.
   */
  readonly webActions?: readonly string[];
  /** Answers one of its client actions for `caller`; a thrown error becomes `{ code, message }`. */
  web?(action: string, params: AdminParams, caller: ClientCaller): Promise<Record<string, unknown>>;
  /**
   * HTTP routes by path: a key ending in `/` is a prefix, any other an exact path. They see the
   * request before anything reads its body (uploads stream it to disk).
   */
  readonly routes?: Readonly<Record<string, RouteHandler>>;
  /** WebSocket upgrades by exact path. */
  readonly upgrades?: Readonly<Record<string, UpgradeHandler>>;
  /** Its part of the inspector's JSON API, by the first path segment after `/_/api/`. */
  readonly inspector?: Readonly<Record<string, InspectorRoute>>;
  /** Its part of an import, loaded before requests are served; returns a summary for the log. */
  importFrom?(dir: string): Promise<string>;
  /** Its part of an export, written after work has stopped and before data closes; returns a summary. */
  exportTo?(dir: string): Promise<string>;
  /** Its data as one JSON value, for an export over HTTP (the inspector's Export). */
  snapshot?(): Promise<unknown>;
  /**
   * Checks its part of such an export and returns the step that loads it, replacing what the part
   * names; throws, having changed nothing, when the part is malformed.
   */
  prepareRestore?(part: unknown): RestoreStep;
  /** Deletes its data (documents, files, recorded calls) but not its configuration; returns a summary. */
  clear?(): Promise<string>;
  /** Reports its live changes to `emit` until the returned function is called. */
  watch?(emit: (event: LiveEvent) => void): () => void;
  /** Requests are served from now on: start work of its own that calls back into the cloud (delayed tasks). */
  start?(): void;
  /** Shutdown begins: start no new work of its own (schedules) while requests in flight finish. */
  quiesce?(): void;
  /** Requests have drained: stop running work (function workers). */
  stop?(): Promise<void>;
  /** Last: release its data (the store, temporary files). */
  close?(): Promise<void>;
}

/** A part of an import that cannot be loaded; nothing was changed. */
export class RestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreError';
  }
}

/** Is `action` one of `owned`: an exact name, or under a prefix ending in `.`? */
function owns(owned: readonly string[] | undefined, action: string): boolean {
  return owned?.some((name) => (name.endsWith('.') ? action.startsWith(name) : action === name)) ?? false;
}

function matches(key: string, path: string): boolean {
  return key.endsWith('/') ? path.startsWith(key) : path === key;
}

/** The services of one local cloud, in start order; stopped and closed in reverse. */
export class ServiceRegistry {
  private readonly services: Service[] = [];

  add<S extends Service>(service: S): S {
    const taken = this.services.find((other) => other.name === service.name);
    if (taken) throw new Error(`a service named ${service.name} is already registered`);
    this.services.push(service);
    return service;
  }

  list(): readonly Service[] {
    return this.services;
  }

  /** The service answering `action`. */
  forAction(action: string): Service | undefined {
    return this.services.find((service) => owns(service.actions, action));
  }

  /** The service answering a client SDK's `action` at /web. */
  forWebAction(action: string): Service | undefined {
    return this.services.find((service) => owns(service.webActions, action));
  }

  route(pathname: string): RouteHandler | undefined {
    for (const service of this.services) {
      for (const [key, handler] of Object.entries(service.routes ?? {})) if (matches(key, pathname)) return handler;
    }
    return undefined;
  }

  upgrade(pathname: string): UpgradeHandler | undefined {
    for (const service of this.services) {
      const handler = service.upgrades?.[pathname];
      if (handler) return handler;
    }
    return undefined;
  }

  inspectorRoute(segment: string): InspectorRoute | undefined {
    for (const service of this.services) {
      const routes = service.inspector;
      if (routes && Object.prototype.hasOwnProperty.call(routes, segment)) return routes[segment];
    }
    return undefined;
  }

  /** Runs every service's import part; one log line each. */
  async importAll(dir: string, label: string, log: (line: string) => void): Promise<void> {
    for (const service of this.services) {
      if (service.importFrom) log(`imported from ${label}: ${await service.importFrom(dir)}`);
    }
  }

  async exportAll(dir: string, log: (line: string) => void): Promise<void> {
    for (const service of this.services) {
      if (service.exportTo) log(`exported to ${dir}: ${await service.exportTo(dir)}`);
    }
  }

  /** Every service's snapshot, by service name. */
  async snapshot(): Promise<Record<string, unknown>> {
    const parts: Record<string, unknown> = {};
    for (const service of this.services) if (service.snapshot) parts[service.name] = await service.snapshot();
    return parts;
  }

  /**
   * Loads the parts of an export, by service name: every part is checked before any is loaded, so
   * a malformed one changes nothing. A part no service takes is an error too.
   */
  async restore(parts: Record<string, unknown>): Promise<Record<string, string>> {
    const steps: Array<[string, RestoreStep]> = Object.entries(parts).map(([name, part]) => {
      const service = this.services.find((s) => s.name === name);
      if (!service?.prepareRestore) throw new RestoreError(`nothing here imports a part named "${name}"`);
      return [name, service.prepareRestore(part)];
    });
    const summary: Record<string, string> = {};
    for (const [name, step] of steps) summary[name] = await step();
    return summary;
  }

  /** Clears every service's data, by service name. */
  async clear(): Promise<Record<string, string>> {
    const summary: Record<string, string> = {};
    for (const service of this.services) if (service.clear) summary[service.name] = await service.clear();
    return summary;
  }

  /** Every service's live events, until the returned function is called. */
  watch(emit: (event: LiveEvent) => void): () => void {
    const stops = this.services.flatMap((service) => (service.watch ? [service.watch(emit)] : []));
    return () => {
      for (const stop of stops) stop();
    };
  }

  start(): void {
    for (const service of this.services) service.start?.();
  }

  quiesce(): void {
    for (const service of [...this.services].reverse()) service.quiesce?.();
  }

  async stop(): Promise<void> {
    for (const service of [...this.services].reverse()) await service.stop?.();
  }

  /** Closes every service, even when one fails; the first failure is thrown afterwards. */
  async close(): Promise<void> {
    let failure: unknown;
    for (const service of [...this.services].reverse()) {
      try {
        await service.close?.();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }
}
