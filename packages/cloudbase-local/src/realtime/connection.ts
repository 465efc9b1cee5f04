/**
 * One client's WebSocket: its login, its watches by the client's watchId, and the answers to
 * each frame. The caller is the `openid` of the connection URL, the twin of `x-wx-openid`.
 */
import type { WebSocket } from 'ws';
import type { Auth } from '../database/rules';
import {
  parseClientFrame,
  ProtocolError,
  type ClientFrame,
  type EventsData,
  type InitWatch,
  type ServerFrame,
} from './protocol';
import type { Watch } from './watch';

/** What a connection needs from the service that owns every watch. */
export interface WatchHub {
  readonly envId: string;
  /** Checks the query against the rules, reads the window; the watch is not live until `go()`. */
  open(init: InitWatch, owner: Auth | null): Promise<Watch>;
  byQueryId(queryID: string): Watch | undefined;
  /** Sends the watch's events to `sink`, or keeps them for a rebuild while no connection has it. */
  route(watch: Watch, sink: ((data: EventsData) => void) | undefined): void;
  close(watch: Watch): void;
  /** Every event frame sent, for the figures; `rebuild` when it answers REBUILD_WATCH. */
  countFrame(rebuild: boolean): void;
}

const OPEN = 1;

export class RealtimeConnection {
  private loggedIn = false;
  private readonly watches = new Map<string, Watch>();
  private open = true;

  constructor(
    private readonly socket: WebSocket,
    readonly auth: Auth | null,
    private readonly hub: WatchHub,
  ) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        const message = 'frames are JSON text';
        this.send({ requestId: '', msgType: 'ERROR', msgData: { code: 'INVALID_PARAM', message } });
        return;
      }
      void this.receive(String(data));
    });
    socket.on('close', () => this.closed());
    socket.on('error', () => socket.terminate());
  }

  get watchCount(): number {
    return this.watches.size;
  }

  /** Drops the connection as a network failure would; its watches wait for a REBUILD_WATCH. */
  drop(): void {
    this.socket.terminate();
  }

  /** Closes it cleanly (the local cloud is stopping). */
  end(): void {
    this.socket.close(1001, 'the local cloud is stopping');
  }

  private send(frame: ServerFrame, rebuild = false): void {
    if (this.socket.readyState !== OPEN) return;
    if (frame.msgType === 'INIT_EVENT' || frame.msgType === 'NEXT_EVENT') this.hub.countFrame(rebuild);
    this.socket.send(JSON.stringify(frame));
  }

  private async receive(raw: string): Promise<void> {
    let frame: ClientFrame;
    try {
      frame = parseClientFrame(raw);
    } catch (error) {
      const failure = error instanceof ProtocolError ? error : new ProtocolError('INVALID_PARAM', String(error));
      this.send({ requestId: failure.requestId, msgType: 'ERROR', msgData: failure.toFrame() });
      return;
    }
    const watchId = 'watchId' in frame ? frame.watchId : undefined;
    try {
      await this.handle(frame);
    } catch (error) {
      const failure = error instanceof ProtocolError ? error : new ProtocolError('SYS_ERR', String(error));
      this.send({
        ...(watchId ? { watchId } : {}),
        requestId: frame.requestId,
        msgType: 'ERROR',
        msgData: failure.toFrame(),
      });
    }
  }

  private async handle(frame: ClientFrame): Promise<void> {
    if (frame.msgType === 'PING') {
      this.send({ requestId: frame.requestId, msgType: 'PONG', msgData: null });
      return;
    }
    if (frame.msgType === 'LOGIN') {
      this.loggedIn = true;
      this.send({
        requestId: frame.requestId,
        msgType: 'LOGIN_RES',
        msgData: { envId: frame.envId || this.hub.envId },
      });
      return;
    }
    if (!this.loggedIn) throw new ProtocolError('CHECK_LOGIN_FAILED', 'send LOGIN first');
    switch (frame.msgType) {
      case 'INIT_WATCH': {
        const previous = this.watches.get(frame.watchId);
        if (previous) this.hub.close(previous);
        const watch = await this.hub.open(frame.init, this.auth);
        if (!this.open) {
          this.hub.close(watch);
          return;
        }
        this.watches.set(frame.watchId, watch);
        const data = watch.initial();
        this.send({ watchId: frame.watchId, requestId: frame.requestId, msgType: 'INIT_EVENT', msgData: data });
        this.follow(frame.watchId, watch);
        return;
      }
      case 'REBUILD_WATCH': {
        const watch = this.owned(frame.queryID);
        const data = watch.eventsAfter(frame.eventID);
        this.watches.set(frame.watchId, watch);
        this.send({ watchId: frame.watchId, requestId: frame.requestId, msgType: 'NEXT_EVENT', msgData: data }, true);
        this.follow(frame.watchId, watch);
        return;
      }
      case 'CHECK_LAST': {
        const watch = this.owned(frame.queryID);
        const msgData = { queryID: watch.queryID, currEvent: watch.currEvent };
        this.send({ watchId: frame.watchId, requestId: frame.requestId, msgType: 'CHECK_EVENT', msgData });
        return;
      }
      case 'CLOSE_WATCH': {
        const watch = this.watches.get(frame.watchId);
        this.watches.delete(frame.watchId);
        if (watch) this.hub.close(watch);
        return;
      }
    }
  }

  /** The caller's own watch with this queryID; another user's is as unknown as a forgotten one. */
  private owned(queryID: string): Watch {
    const watch = this.hub.byQueryId(queryID);
    if (!watch || watch.spec.owner?.openid !== this.auth?.openid) {
      throw new ProtocolError('QUERYID_INVALID_ERROR', `no watch ${queryID} (it ended, or expired while disconnected)`);
    }
    return watch;
  }

  private follow(watchId: string, watch: Watch): void {
    watch.onFailure = (error) => {
      this.send({ watchId, requestId: `${watch.queryID}:failed`, msgType: 'ERROR', msgData: error.toFrame() });
      this.watches.delete(watchId);
      this.hub.close(watch);
    };
    this.hub.route(watch, (data) =>
      this.send({ watchId, requestId: `${watch.queryID}:${data.currEvent}`, msgType: 'NEXT_EVENT', msgData: data }),
    );
  }

  private closed(): void {
    this.open = false;
    for (const watch of this.watches.values()) this.hub.route(watch, undefined);
    this.watches.clear();
  }
}
