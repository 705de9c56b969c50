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
    this._base = WallarooModel.baseInterval(intervalSeconds);
    this._poll = new Poll({
      factory: async () => {
        const force = this._force;
        this._force = false;
        try {
          await this._tick(force);
          this._failures = 0;
        } catch {
          this._failures += 1; // already recorded in this.error
        }
        this._applyFrequency();
      },
      frequency: this._frequency(),
      standby: 'when-hidden',
      linger: 0, // no extra tick once the page is hidden
      name: 'wallaroo-widgets:model'
    });
  }

  /** The polling interval in ms for a ``refreshInterval`` setting in seconds (at least 5 s). */
  static baseInterval(seconds: number): number {
    return Math.max(5, Number.isFinite(seconds) ? seconds : 30) * 1000;
  }

  /** Milliseconds to the next poll after ``failures`` failed polls in a row: the interval doubled per failure,
   * at most 8 times the interval (deterministic, unlike Lumino's randomised backoff, which after an immediate
   * refresh can retry sooner than the interval). */
  static backoff(baseMs: number, failures: number): number {
    return baseMs * 2 ** Math.min(Math.max(0, failures), 3);
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

  /** Seconds to the next automatic poll while polls fail (backing off), else null. */
  get retryIn(): number | null {
    return this._failures > 0 ? WallarooModel.backoff(this._base, this._failures) / 1000 : null;
  }

  setInterval(seconds: number): void {
    this._base = WallarooModel.baseInterval(seconds);
    this._applyFrequency();
  }

  /** Fetch now through the poll; ``force`` bypasses the server's short cache. A success resets the backoff, a
   * failure backs off further. Never throws. */
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

  private _frequency(): IPoll.Frequency {
    return { interval: WallarooModel.backoff(this._base, this._failures), backoff: false, max: this._base * 8 };
  }

  /** The next poll's interval follows the failures in a row (read by Lumino when it schedules the next tick). */
  private _applyFrequency(): void {
    this._poll.frequency = this._frequency();
    this._changed.emit();
  }

  private _poll: Poll;
  private _base: number;
  private _failures = 0;
  private _force = false;
  private _status: IStatus | null = null;
  private _tree: ITree | null = null;
  private _error: string | null = null;
  private _loading = false;
  private _treeVisible = false;
  private _changed = new Signal<this, void>(this);
}
