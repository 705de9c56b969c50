import { IPoll, Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { RequestError, requestAPI } from './request';
import { IStatus, ITree } from './types';

/** The frontend's version, checked against the server extension's (jupyterlab-git's lesson). */
declare const require: (path: string) => any;
export const FRONTEND_VERSION: string = require('../package.json').version;

/**
 * Connection status and the sidebar tree, polled from the server extension. Polling backs off on errors,
 * stands by while the page is hidden, and the tree is only fetched while the sidebar is visible.
 */
export class WallarooModel {
  constructor(intervalSeconds = 30) {
    this._poll = new Poll({
      factory: () => {
        const force = this._force;
        this._force = false;
        return this._tick(force);
      },
      frequency: WallarooModel.frequency(intervalSeconds),
      standby: 'when-hidden',
      linger: 0, // no extra tick once the page is hidden
      name: 'wallaroo-widgets:model'
    });
  }

  static frequency(seconds: number): IPoll.Frequency {
    const interval = Math.max(5, seconds) * 1000;
    return { interval, backoff: true, max: interval * 8 };
  }

  /** Emitted after every status/tree update (and when loading starts or stops). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get status(): IStatus | null {
    return this._status;
  }

  get tree(): ITree | null {
    return this._tree;
  }

  /** The last error line (not configured, upstream failure, version mismatch ...), or null. */
  get error(): string | null {
    return this._error;
  }

  get loading(): boolean {
    return this._loading;
  }

  /** True when the server extension's version differs from this frontend's. */
  get versionMismatch(): boolean {
    return !!this._status && this._status.server_version !== FRONTEND_VERSION;
  }

  get treeVisible(): boolean {
    return this._treeVisible;
  }

  set treeVisible(value: boolean) {
    const was = this._treeVisible;
    this._treeVisible = value;
    if (value && !was && !this._tree) {
      void this.refresh(false);
    }
  }

  setInterval(seconds: number): void {
    this._poll.frequency = WallarooModel.frequency(seconds);
  }

  /** Fetch now through the poll (which resets its backoff); ``force`` bypasses the server's short cache.
   * Never throws. */
  async refresh(force = true): Promise<void> {
    this._force = force;
    await this._poll.refresh();
    try {
      await this._poll.tick;
    } catch {
      // already recorded in this.error
    }
  }

  dispose(): void {
    this._poll.dispose();
    Signal.clearData(this);
  }

  private async _tick(force: boolean): Promise<void> {
    const q = force ? '?refresh=1' : '';
    this._loading = true;
    this._changed.emit();
    try {
      try {
        this._status = await requestAPI<IStatus>('status' + q);
      } catch (err) {
        this._status = null;
        this._error = err instanceof RequestError ? err.message : String(err);
        throw err;
      }
      this._error = this.versionMismatch
        ? `version mismatch: server extension ${this._status.server_version}, frontend ${FRONTEND_VERSION} ` +
          '(reinstall wallaroo-widgets and restart JupyterLab)'
        : this._status.error;
      if (this._status.connected && this._treeVisible) {
        try {
          this._tree = await requestAPI<ITree>('tree' + q);
        } catch (err) {
          this._error = err instanceof RequestError ? err.message : String(err);
          throw err;
        }
      }
      if (!this._status.connected) {
        throw new Error(this._status.error || 'not connected');
      }
    } finally {
      this._loading = false;
      this._changed.emit();
    }
  }

  private _poll: Poll;
  private _force = false;
  private _status: IStatus | null = null;
  private _tree: ITree | null = null;
  private _error: string | null = null;
  private _loading = false;
  private _treeVisible = false;
  private _changed = new Signal<this, void>(this);
}
