import { refreshIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { WallarooModel } from './model';
import { IAssayNode, IModelNode, IPipelineNode, ISnippetContext, IWorkspaceNode } from './types';

/** Data of a tree row, for the snippet commands (context menu or selection). */
type RowData = ISnippetContext & { kind: string; key: string };

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls: string,
  text?: string,
  attrs: { [k: string]: string } = {}
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = cls;
  if (text !== undefined) {
    node.textContent = text;
  }
  for (const [k, v] of Object.entries(attrs)) {
    node.setAttribute(k, v);
  }
  return node;
}

function badge(state: string, text: string, title = ''): HTMLElement {
  return el('span', 'wl-Badge', text, { 'data-state': state, title });
}

/**
 * The left-sidebar "Wallaroo" browser: a connection line, a refresh button and the tree workspaces ->
 * pipelines (deployment badge), models (versions) and assays (active/paused, latest result status).
 * Rendering is plain DOM; the expanded rows survive re-renders.
 */
export class WallarooSidebar extends Widget {
  constructor(
    readonly model: WallarooModel,
    private readonly onRefresh: () => void
  ) {
    super();
    this.id = 'wallaroo-sidebar';
    this.addClass('wl-Sidebar');
    this.title.caption = 'Wallaroo';
    const header = el('div', 'wl-Header');
    this._dot = el('span', 'wl-Dot', undefined, { 'data-connected': 'false' });
    header.append(this._dot, el('span', 'wl-Title', 'Wallaroo'));
    const refresh = el('button', 'wl-Refresh jp-Button jp-mod-minimal', undefined, {
      title: 'Refresh',
      'aria-label': 'Refresh'
    });
    refreshIcon.element({ container: refresh, height: '16px', width: '16px' });
    refresh.addEventListener('click', () => this.onRefresh());
    header.append(refresh);
    this._connection = el('div', 'wl-Connection', 'connecting…');
    this._message = el('div', 'wl-Message');
    this._tree = el('div', 'wl-Tree', undefined, { role: 'tree' });
    this._footer = el('div', 'wl-Footer');
    this.node.append(header, this._connection, this._message, this._tree, this._footer);
    this._tree.addEventListener('click', ev => this._onClick(ev));
    this._tree.addEventListener('contextmenu', ev => this._remember(ev));
    model.changed.connect(this.render, this);
    this.render();
  }

  /** The row last right-clicked (context-menu commands use it). */
  get contextRow(): RowData | null {
    return this._contextRow;
  }

  /** The row last clicked (palette snippet commands use it). */
  get selectedRow(): RowData | null {
    return this._selected ? (this._rows.get(this._selected) ?? null) : null;
  }

  /** The first pipeline / assay in the tree (default for palette snippets with nothing selected). */
  firstRow(kind: 'pipeline' | 'assay'): RowData | null {
    for (const row of this._rows.values()) {
      if (row.kind === kind && (kind !== 'pipeline' || (row.pipeline && row.pipeline.name))) {
        return row;
      }
    }
    return null;
  }

  render(): void {
    const { status, tree, error, loading } = this.model;
    this._dot.dataset.connected = String(!!status && status.connected);
    this.node.classList.toggle('wl-mod-loading', loading);
    this.node.classList.toggle('wl-mod-stale', !!tree && !(status && status.connected));
    let user: string;
    let where = status?.api_url ?? '';
    if (status && status.connected) {
      user = status.user ?? 'unknown user';
      where = status.instance ? `${status.instance} · ${where}` : where;
    } else if (status) {
      user = status.api_url ? 'offline' : 'not configured';
    } else {
      user = loading ? 'connecting…' : 'offline';
    }
    this._connection.replaceChildren(
      el('div', 'wl-User', user, { title: user }),
      el('div', 'wl-Where', where, { title: `${where} (credentials held by the Jupyter server: ${status?.auth_type ?? 'none'})` })
    );
    const retry = this.model.retryIn;
    this._message.replaceChildren(
      ...(error ? [error] : []),
      ...(error && retry ? [el('span', 'wl-Retry', ` · retrying in ${retry} s`)] : [])
    );
    this._message.style.display = error ? '' : 'none';
    if (tree) {
      const key = JSON.stringify(tree.workspaces);
      if (key !== this._rendered) {
        this._rendered = key;
        this._renderTree(tree.workspaces);
      }
      this._footer.textContent = `updated ${new Date(tree.fetched_at).toLocaleTimeString()}` + (tree.v2 ? ' · assays V2' : '');
    }
  }

  protected onAfterShow(): void {
    this.model.treeVisible = true;
  }

  protected onAfterHide(): void {
    this.model.treeVisible = false;
  }

  private _renderTree(workspaces: IWorkspaceNode[]): void {
    this._rows.clear();
    this._tree.replaceChildren();
    if (workspaces.length === 0) {
      this._tree.append(el('div', 'wl-Empty', 'No workspaces visible to this user.'));
    }
    for (const ws of workspaces) {
      const wctx = { workspace: { id: ws.id, name: ws.name } };
      const node = this._node('workspace', String(ws.id), ws.name, wctx, true);
      const children = node.querySelector('.wl-Children') as HTMLElement;
      if (ws.error) {
        children.append(el('div', 'wl-Error', ws.error));
      }
      children.append(this._group(ws, 'Pipelines', ws.pipelines, p => this._pipeline(ws, p)));
      children.append(this._group(ws, 'Models', ws.models, m => this._model(ws, m)));
      children.append(this._group(ws, 'Assays', ws.assays, a => this._assay(ws, a)));
      this._tree.append(node);
    }
  }

  private _group<T>(ws: IWorkspaceNode, label: string, items: T[], row: (item: T) => HTMLElement): HTMLElement {
    const node = this._node('group', `${ws.id}/${label}`, `${label} (${items.length})`, {}, items.length > 0);
    const children = node.querySelector('.wl-Children') as HTMLElement;
    items.forEach(item => children.append(row(item)));
    if (!items.length) {
      node.querySelector('.wl-Caret')!.textContent = '';
    }
    return node;
  }

  private _pipeline(ws: IWorkspaceNode, p: IPipelineNode): HTMLElement {
    const ctx = { workspace: { id: ws.id, name: ws.name }, pipeline: { id: p.id, name: p.name } };
    const node = this._node('pipeline', String(p.id), p.name ?? `pipeline #${p.id}`, ctx, false);
    const row = node.querySelector('.wl-Row') as HTMLElement;
    if (p.status) {
      row.append(badge(p.status, p.status, p.deployment ? `deployment ${p.deployment}` : 'not deployed'));
    } else {
      row.append(badge('unknown', '?', 'this instance (2023 API) lists pipelines by id only: name and state are known once an assay targets it'));
    }
    return node;
  }

  private _model(ws: IWorkspaceNode, m: IModelNode): HTMLElement {
    const ctx = { workspace: { id: ws.id, name: ws.name } };
    const node = this._node('model', String(m.id), m.name, ctx, false, m.versions.length > 0);
    const row = node.querySelector('.wl-Row') as HTMLElement;
    row.append(el('span', 'wl-Count', `${m.versions.length} version${m.versions.length === 1 ? '' : 's'}`));
    const children = node.querySelector('.wl-Children') as HTMLElement;
    for (const v of m.versions) {
      const child = this._node('version', String(v.id), (v.version ?? String(v.id)).slice(0, 8), ctx, false, false);
      const vrow = child.querySelector('.wl-Row') as HTMLElement;
      vrow.title = `${v.version ?? ''} · ${v.status ?? ''} · ${v.created_at ?? ''}`;
      if (v.deployed) {
        vrow.append(badge('Running', 'deployed'));
      }
      children.append(child);
    }
    return node;
  }

  private _assay(ws: IWorkspaceNode, a: IAssayNode): HTMLElement {
    const ctx = {
      workspace: { id: ws.id, name: ws.name },
      assay: { id: a.id, name: a.name, api: a.api },
      pipeline: a.pipeline_id !== null ? { id: a.pipeline_id, name: a.pipeline_name } : undefined
    };
    const node = this._node('assay', String(a.id), a.name, ctx, false);
    const row = node.querySelector('.wl-Row') as HTMLElement;
    row.insertBefore(
      el('span', 'wl-Active', a.active ? '●' : '❚❚', {
        'data-active': String(a.active),
        title: a.active ? 'active (runs on schedule)' : 'paused'
      }),
      row.querySelector('.wl-Label')
    );
    if (a.api === 'v2') {
      row.append(el('span', 'wl-Count', 'V2', { title: 'assays V2' }));
    }
    row.append(
      a.last_status
        ? badge(a.last_status, a.last_status, `latest window ${a.last_window ?? ''}`)
        : badge('none', 'no results')
    );
    return node;
  }

  private _node(
    kind: string,
    id: string,
    label: string,
    ctx: ISnippetContext,
    defaultOpen: boolean,
    expandable = kind === 'workspace' || kind === 'group'
  ): HTMLElement {
    const key = `${kind}:${id}`;
    const node = el('div', 'wl-Node', undefined, { 'data-kind': kind, 'data-id': id, 'data-key': key, role: 'treeitem' });
    const row = el('div', 'wl-Row');
    const open = this._open.has(key) || (defaultOpen && !this._closed.has(key));
    const caret = el('span', 'wl-Caret', expandable ? (open ? '▾' : '▸') : '');
    row.append(caret, el('span', 'wl-Label', label, { title: label }));
    node.append(row);
    if (expandable) {
      const children = el('div', 'wl-Children');
      children.style.display = open ? '' : 'none';
      node.append(children);
      node.setAttribute('aria-expanded', String(open));
    }
    if (this._selected === key) {
      node.classList.add('jp-mod-selected');
    }
    this._rows.set(key, { ...ctx, kind, key });
    return node;
  }

  private _nodeOf(ev: Event): HTMLElement | null {
    const target = ev.target as HTMLElement;
    const row = target.closest('.wl-Row');
    return row ? (row.parentElement as HTMLElement) : null;
  }

  private _onClick(ev: MouseEvent): void {
    const node = this._nodeOf(ev);
    if (!node) {
      return;
    }
    const key = node.dataset.key!;
    const children = node.querySelector(':scope > .wl-Children') as HTMLElement | null;
    if (children) {
      const open = children.style.display === 'none';
      children.style.display = open ? '' : 'none';
      node.setAttribute('aria-expanded', String(open));
      (node.querySelector(':scope > .wl-Row > .wl-Caret') as HTMLElement).textContent = open ? '▾' : '▸';
      (open ? this._open : this._closed).add(key);
      (open ? this._closed : this._open).delete(key);
    }
    this._tree.querySelectorAll('.jp-mod-selected').forEach(n => n.classList.remove('jp-mod-selected'));
    node.classList.add('jp-mod-selected');
    this._selected = key;
  }

  private _remember(ev: MouseEvent): void {
    const node = this._nodeOf(ev);
    this._contextRow = node ? (this._rows.get(node.dataset.key!) ?? null) : null;
  }

  private _dot: HTMLElement;
  private _connection: HTMLElement;
  private _message: HTMLElement;
  private _tree: HTMLElement;
  private _footer: HTMLElement;
  private _rendered = '';
  private _rows = new Map<string, RowData>();
  private _open = new Set<string>();
  private _closed = new Set<string>();
  private _selected: string | null = null;
  private _contextRow: RowData | null = null;
}
