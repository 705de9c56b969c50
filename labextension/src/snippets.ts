import { ISnippetContext } from './types';

/** The snippet kinds of the ``wallaroo:insert-snippet`` command. */
export const SNIPPETS = ['connect', 'console', 'list', 'infer', 'assay'] as const;
export type SnippetKind = (typeof SNIPPETS)[number];

export const SNIPPET_LABELS: { [k in SnippetKind]: string } = {
  connect: 'Connect to Wallaroo',
  console: 'Open the Wallaroo console',
  list: 'List workspaces, models and assays',
  infer: 'Run an inference on this pipeline',
  assay: 'Show the results of this assay'
};

/** A Python string literal (JSON's escapes are valid in Python for these strings). */
export function py(value: string): string {
  return JSON.stringify(value);
}

/** Python source: imports (``os`` added when the instance URL is set), a blank line, then the body. */
function cell(imports: string[], body: string[], instanceUrl: string): string {
  const url = instanceUrl.trim();
  const head = url ? ['import os', ...imports] : imports;
  const first = url ? [`os.environ.setdefault("WALLAROO_URL", ${py(url)})  # the instanceUrl setting`] : [];
  return [...head, '', ...first, ...body].join('\n');
}

const SESSION = 'session = Session.from_env()  # WALLAROO_URL + WALLAROO_TOKEN or WALLAROO_USER/_PASSWORD/_CLIENT_SECRET';

/**
 * Runnable Python for a snippet kind and context. ``instanceUrl`` (a setting, never a secret) becomes the
 * default ``WALLAROO_URL``; credentials always come from the kernel's environment.
 */
export function snippet(kind: SnippetKind, ctx: ISnippetContext = {}, instanceUrl = ''): string {
  const session = ['from wallaroo_widgets import Session'];
  switch (kind) {
    case 'console':
      return cell(['from wallaroo_widgets import console'], ['console()'], instanceUrl);
    case 'connect':
      return cell(
        session,
        [SESSION, 'me = session.identity()', 'print(f"connected to {session.url} as {me[\'email\'] or me[\'username\']}")'],
        instanceUrl
      );
    case 'list':
      if (ctx.workspace) {
        return cell(
          session,
          [
            SESSION,
            `workspace_id = ${ctx.workspace.id}  # ${ctx.workspace.name}`,
            'models = session.models.list(workspace_id)',
            'assays = session.assays.list(workspace_id=workspace_id)',
            'print(f"models: {len(models)}, V1 assays: {len(assays)}")',
            'display(models.df, assays.df)'
          ],
          instanceUrl
        );
      }
      return cell(session, [SESSION, 'workspaces = session.workspaces.list()', 'workspaces.df'], instanceUrl);
    case 'infer': {
      const ws = ctx.workspace ? `${ctx.workspace.id}  # ${ctx.workspace.name}` : 'None  # set: the workspace id';
      const name = ctx.pipeline?.name ? py(ctx.pipeline.name) : 'None  # set: the pipeline name';
      return cell(
        ['import pandas as pd', '', ...session],
        [
          SESSION,
          `workspace_id = ${ws}`,
          `pipeline_name = ${name}`,
          'url = session.pipelines.external_url(workspace_id, pipeline_name)',
          "# inputs: the pipeline's latest logged input (replace `data` with your own DataFrame)",
          'logs = session.assays.get_baseline(workspace_id, pipeline_name, limit=1)',
          'data = pd.DataFrame([{k[3:]: v for k, v in logs[-1].items() if k.startswith("in.")}])',
          'result = session.pipelines.infer(url, data)',
          'result'
        ],
        instanceUrl
      );
    }
    case 'assay': {
      const a = ctx.assay;
      const latest = 'print(f"{len(results)} result windows; latest status: {results[-1][\'status\'] if results else None}")';
      if (a && a.api === 'v2') {
        return cell(
          [...session, 'from wallaroo_widgets.plots import score_timeline'],
          [
            SESSION,
            `assay_id = ${py(String(a.id))}  # ${a.name} (assays V2)`,
            'results = session.assays_v2.get_results(assay_id)',
            'latest = max(results, key=lambda r: r.window_end, default=None)',
            'print(f"{len(results)} result windows; latest status: {latest.status if latest else None}")',
            'score_timeline(results)'
          ],
          instanceUrl
        );
      }
      return cell(
        [...session, 'from wallaroo_widgets.plots import score_timeline'],
        [
          SESSION,
          `assay_id = ${a ? `${a.id}  # ${a.name}` : 'None  # set: the assay id'}`,
          'results = session.assays.get_assay_results(assay_id)',
          latest,
          'score_timeline(results)'
        ],
        instanceUrl
      );
    }
  }
}
