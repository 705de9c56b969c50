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

function envDefault(instanceUrl: string): string[] {
  const url = instanceUrl.trim();
  return url
    ? ['import os', '', `os.environ.setdefault("WALLAROO_URL", ${py(url)})  # the instanceUrl setting`]
    : [];
}

const FROM_ENV =
  '# Session.from_env(): WALLAROO_URL plus WALLAROO_TOKEN, or WALLAROO_USER/WALLAROO_PASSWORD/WALLAROO_CLIENT_SECRET';

/**
 * Runnable Python for a snippet kind and context. ``instanceUrl`` (a setting, never a secret) becomes the
 * default ``WALLAROO_URL``; credentials always come from the kernel's environment.
 */
export function snippet(kind: SnippetKind, ctx: ISnippetContext = {}, instanceUrl = ''): string {
  const head = envDefault(instanceUrl);
  const lines: string[] = [];
  switch (kind) {
    case 'console':
      lines.push(...head, ...(head.length ? [''] : []), 'from wallaroo_widgets import console', '', 'console()');
      return lines.join('\n');
    case 'connect':
      lines.push(
        FROM_ENV,
        ...head,
        'from wallaroo_widgets import Session',
        '',
        'session = Session.from_env()',
        'me = session.identity()',
        'print(f"connected to {session.url} as {me[\'email\'] or me[\'username\']}")'
      );
      return lines.join('\n');
    default:
      break;
  }
  lines.push(...head, ...(head.length ? [''] : []), 'from wallaroo_widgets import Session', '');
  lines.push('session = Session.from_env()');
  if (kind === 'list') {
    if (ctx.workspace) {
      lines.push(
        `workspace_id = ${ctx.workspace.id}  # ${ctx.workspace.name}`,
        'models = session.models.list(workspace_id)',
        'assays = session.assays.list(workspace_id=workspace_id)',
        'print(f"{len(models)} models, {len(assays)} assays")',
        'display(models.df, assays.df)'
      );
    } else {
      lines.push('workspaces = session.workspaces.list()', 'workspaces.df');
    }
  } else if (kind === 'infer') {
    const ws = ctx.workspace ? String(ctx.workspace.id) : 'None  # set: the workspace id';
    const name = ctx.pipeline && ctx.pipeline.name ? py(ctx.pipeline.name) : 'None  # set: the pipeline name';
    lines.unshift('import pandas as pd', '');
    lines.push(
      `workspace_id = ${ws}`,
      `pipeline_name = ${name}`,
      'url = session.pipelines.external_url(workspace_id, pipeline_name)',
      "# inputs: the pipeline's latest logged input (replace `data` with your own DataFrame)",
      'logs = session.assays.get_baseline(workspace_id, pipeline_name, limit=1)',
      'data = pd.DataFrame([{k[3:]: v for k, v in logs[-1].items() if k.startswith("in.")}])',
      'result = session.pipelines.infer(url, data)',
      'result'
    );
  } else if (kind === 'assay') {
    const a = ctx.assay;
    if (a && a.api === 'v2') {
      lines.unshift('import pandas as pd', '');
      lines.push(
        `assay_id = ${py(String(a.id))}  # ${a.name} (assays V2)`,
        'results = session.post("/v2/api/assays/get_results", {"id": assay_id}, read=True)',
        'print(f"{len(results)} result windows; latest status: {results[-1][\'status\'] if results else None}")',
        'pd.DataFrame(results, columns=["window_start", "window_end", "status", "analyzed_at"])'
      );
    } else {
      lines.unshift('from wallaroo_widgets.plots import score_timeline', '');
      lines.push(
        `assay_id = ${a ? `${a.id}  # ${a.name}` : 'None  # set: the assay id'}`,
        'results = session.assays.get_assay_results(assay_id)',
        'print(f"{len(results)} result windows; latest status: {results[-1][\'status\'] if results else None}")',
        'score_timeline(results)'
      );
    }
  }
  return lines.join('\n');
}
