import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { Signal } from '@lumino/signaling';

import { wallarooIcon } from './icons';
import { FRONTEND_VERSION, WallarooModel } from './model';
import { WallarooSidebar } from './sidebar';
import { SNIPPETS, SNIPPET_LABELS, SnippetKind, snippet } from './snippets';
import { WallarooStatus } from './status';
import { ISnippetContext } from './types';

const PLUGIN_ID = 'wallaroo-widgets:plugin';

export namespace CommandIDs {
  export const openConsole = 'wallaroo:open-console';
  export const insertSnippet = 'wallaroo:insert-snippet';
  export const refresh = 'wallaroo:refresh';
  export const showSidebar = 'wallaroo:show-sidebar';
  export const toggleStatusBar = 'wallaroo:toggle-status-bar';
}

interface IOptions {
  instanceUrl: string;
  refreshInterval: number;
  showStatusBar: boolean;
}

/** Open a new notebook in ``cwd`` and put ``code`` in its first cell; ``run`` executes it once the kernel is up. */
async function newNotebook(app: JupyterFrontEnd, cwd: string, code: string, run: boolean): Promise<NotebookPanel> {
  const model = await app.commands.execute('docmanager:new-untitled', { path: cwd, type: 'notebook' });
  const kernel = app.serviceManager.kernelspecs.specs?.default;
  const panel = (await app.commands.execute('docmanager:open', {
    path: model.path,
    factory: 'Notebook',
    kernel: kernel ? { name: kernel } : undefined
  })) as NotebookPanel;
  await panel.context.ready;
  const cell = panel.content.widgets[0];
  cell.model.sharedModel.setSource(code);
  panel.content.activeCellIndex = 0;
  if (run) {
    await panel.sessionContext.ready;
    await NotebookActions.run(panel.content, panel.sessionContext);
  }
  return panel;
}

/** Insert ``code`` as a new cell below the active one (or into an empty active cell) and select it. */
function insertCell(panel: NotebookPanel, code: string): void {
  const notebook = panel.content;
  const active = notebook.activeCell;
  if (!active || active.model.sharedModel.getSource().trim() !== '') {
    NotebookActions.insertBelow(notebook);
  }
  notebook.activeCell!.model.sharedModel.setSource(code);
}

function argContext(args: any): ISnippetContext | null {
  const ctx: ISnippetContext = {};
  if (args.workspaceId !== undefined) {
    ctx.workspace = { id: Number(args.workspaceId), name: String(args.workspaceName ?? '') };
  }
  if (args.pipeline !== undefined) {
    ctx.pipeline = { id: Number(args.pipelineId ?? 0), name: String(args.pipeline) };
  }
  if (args.assayId !== undefined) {
    ctx.assay = { id: args.assayId, name: String(args.assayName ?? ''), api: args.assayApi === 'v2' ? 'v2' : 'v1' };
  }
  return Object.keys(ctx).length ? ctx : null;
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Wallaroo sidebar, launcher card, snippets and status item (credentials stay in the server).',
  autoStart: true,
  requires: [ISettingRegistry],
  optional: [ICommandPalette, ILauncher, INotebookTracker, ILayoutRestorer, IStatusBar],
  activate: async (
    app: JupyterFrontEnd,
    registry: ISettingRegistry,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    tracker: INotebookTracker | null,
    restorer: ILayoutRestorer | null,
    statusBar: IStatusBar | null
  ) => {
    const options: IOptions = { instanceUrl: '', refreshInterval: 30, showStatusBar: true };
    const optionsChanged = new Signal<object, void>({});
    const model = new WallarooModel(options.refreshInterval);
    const sidebar = new WallarooSidebar(model, () => void app.commands.execute(CommandIDs.refresh));
    sidebar.title.icon = wallarooIcon;
    app.shell.add(sidebar, 'left', { rank: 850 });
    if (restorer) {
      restorer.add(sidebar, 'wallaroo-sidebar');
    }

    const { commands } = app;
    commands.addCommand(CommandIDs.refresh, {
      label: 'Refresh the Wallaroo sidebar',
      caption: 'Reload the connection status and the tree from the Wallaroo instance',
      execute: () => model.refresh(true)
    });
    commands.addCommand(CommandIDs.showSidebar, {
      label: 'Show the Wallaroo sidebar',
      execute: () => app.shell.activateById(sidebar.id)
    });
    commands.addCommand(CommandIDs.openConsole, {
      label: args => (args.isPalette ? 'New Wallaroo Console notebook' : 'Wallaroo Console'),
      caption: 'A new notebook whose first cell opens the Wallaroo console',
      icon: args => (args.isPalette ? undefined : wallarooIcon),
      execute: async args => {
        const cwd = (args.cwd as string) ?? '';
        return newNotebook(app, cwd, snippet('console', {}, options.instanceUrl), args.run !== false);
      }
    });
    commands.addCommand(CommandIDs.insertSnippet, {
      label: args => {
        const kind = (args.snippet as SnippetKind) ?? 'connect';
        return args.isContextMenu ? `Insert snippet: ${SNIPPET_LABELS[kind]}` : `Insert Wallaroo snippet: ${SNIPPET_LABELS[kind]}`;
      },
      caption: 'Insert a runnable Wallaroo cell below the active cell',
      execute: async args => {
        const kind = (args.snippet as SnippetKind) ?? 'connect';
        if (!SNIPPETS.includes(kind)) {
          throw new Error(`unknown Wallaroo snippet ${kind}`);
        }
        let ctx = argContext(args);
        if (!ctx && args.isContextMenu) {
          ctx = sidebar.contextRow;
        }
        if (!ctx && (kind === 'infer' || kind === 'assay' || kind === 'list')) {
          const sel = sidebar.selectedRow;
          const fits = sel && (kind === 'list' || (kind === 'infer' ? sel.pipeline?.name : sel.assay));
          ctx = fits ? sel : kind === 'list' ? null : sidebar.firstRow(kind === 'infer' ? 'pipeline' : 'assay');
        }
        const code = snippet(kind, ctx ?? {}, options.instanceUrl);
        const current = tracker?.currentWidget ?? null;
        if (current) {
          insertCell(current, code);
          app.shell.activateById(current.id);
          return current;
        }
        return newNotebook(app, '', code, false);
      }
    });

    if (launcher) {
      launcher.add({ command: CommandIDs.openConsole, category: 'Notebook', rank: 10 });
    }
    if (palette) {
      const category = 'Wallaroo';
      palette.addItem({ command: CommandIDs.openConsole, category, args: { isPalette: true } });
      palette.addItem({ command: CommandIDs.refresh, category });
      palette.addItem({ command: CommandIDs.showSidebar, category });
      for (const kind of SNIPPETS) {
        palette.addItem({ command: CommandIDs.insertSnippet, category, args: { snippet: kind } });
      }
    }
    const menu: [string, SnippetKind][] = [
      ['.wl-Node[data-kind="workspace"] > .wl-Row', 'list'],
      ['.wl-Node[data-kind="pipeline"] > .wl-Row', 'infer'],
      ['.wl-Node[data-kind="assay"] > .wl-Row', 'assay'],
      ['.wl-Sidebar', 'connect'],
      ['.wl-Sidebar', 'console']
    ];
    menu.forEach(([selector, kind], i) =>
      app.contextMenu.addItem({
        command: CommandIDs.insertSnippet,
        selector,
        args: { snippet: kind, isContextMenu: true },
        rank: i
      })
    );
    app.contextMenu.addItem({ command: CommandIDs.refresh, selector: '.wl-Sidebar', rank: 20 });

    if (statusBar) {
      const item = new WallarooStatus(model, () => app.shell.activateById(sidebar.id));
      statusBar.registerStatusItem('wallaroo-widgets:status', {
        item,
        align: 'left',
        rank: 10,
        isActive: () => options.showStatusBar,
        activeStateChanged: optionsChanged
      });
    }

    const load = (settings: ISettingRegistry.ISettings) => {
      const c = settings.composite as any;
      options.instanceUrl = String(c.instanceUrl ?? '');
      options.refreshInterval = Number(c.refreshInterval ?? 30);
      options.showStatusBar = c.showStatusBar !== false;
      model.setInterval(options.refreshInterval);
      optionsChanged.emit();
    };
    let settings: ISettingRegistry.ISettings | null = null;
    commands.addCommand(CommandIDs.toggleStatusBar, {
      label: 'Show the Wallaroo status bar item',
      isToggled: () => options.showStatusBar,
      isEnabled: () => settings !== null,
      execute: () => settings?.set('showStatusBar', !options.showStatusBar)
    });
    palette?.addItem({ command: CommandIDs.toggleStatusBar, category: 'Wallaroo' });
    try {
      settings = await registry.load(PLUGIN_ID);
      load(settings);
      settings.changed.connect(load);
    } catch (reason) {
      console.error('wallaroo-widgets: cannot load the settings', reason);
    }
    let warned = false;
    model.changed.connect(() => {
      if (!warned && !model.loading && (model.versionMismatch || (!model.status && model.error?.includes('not enabled')))) {
        warned = true;
        Notification.warning(`Wallaroo sidebar: ${model.error}`, { autoClose: false });
      }
    });
    console.log(`JupyterLab extension wallaroo-widgets ${FRONTEND_VERSION} is activated!`);
  }
};

export default plugin;
