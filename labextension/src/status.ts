import { Widget } from '@lumino/widgets';

import { WallarooModel } from './model';

/** The status bar item: ``Wallaroo: <user>`` or ``Wallaroo: offline``; a click shows the sidebar. */
export class WallarooStatus extends Widget {
  constructor(
    private readonly model: WallarooModel,
    onClick: () => void
  ) {
    super();
    this.addClass('wl-StatusItem');
    this.node.title = 'Wallaroo connection (click: open the Wallaroo sidebar)';
    this.node.addEventListener('click', onClick);
    model.changed.connect(this.update, this);
    this.update();
  }

  update(): void {
    const s = this.model.status;
    const connected = !!s && s.connected;
    this.node.dataset.connected = String(connected);
    this.node.textContent = `Wallaroo: ${connected ? (s!.user ?? 'connected') : 'offline'}`;
    if (s && !connected && s.error) {
      this.node.title = `Wallaroo offline: ${s.error}`;
    }
  }
}
