/** Answers of the server extension (see wallaroo_widgets/labserver). */

export interface IStatus {
  connected: boolean;
  api_url: string | null;
  auth_type: string | null;
  user: string | null;
  instance: string | null;
  server_version: string;
  error: string | null;
}

export type DeploymentState = 'Running' | 'Starting' | 'Error' | 'Undeployed' | null;
export type ResultState = 'Ok' | 'Warning' | 'Alert' | null;

export interface IPipelineNode {
  kind: 'pipeline';
  id: number;
  name: string | null;
  workspace_id: number;
  status: DeploymentState;
  deployment: string | null;
}

export interface IModelVersion {
  id: number;
  version: string | null;
  status: string | null;
  deployed: boolean;
  created_at: string | null;
}

export interface IModelNode {
  kind: 'model';
  id: number;
  name: string;
  versions: IModelVersion[];
}

export interface IAssayNode {
  kind: 'assay';
  api: 'v1' | 'v2';
  id: number | string;
  name: string;
  active: boolean;
  pipeline_id: number | null;
  pipeline_name: string | null;
  last_status: ResultState;
  last_window: string | null;
  workspace_id: number;
}

export interface IWorkspaceNode {
  kind: 'workspace';
  id: number;
  name: string;
  pipelines: IPipelineNode[];
  models: IModelNode[];
  assays: IAssayNode[];
  error: string | null;
}

export interface ITree {
  workspaces: IWorkspaceNode[];
  v2: boolean;
  fetched_at: string;
}

/** What a snippet is about (a tree node, or nothing). */
export interface ISnippetContext {
  workspace?: { id: number; name: string };
  pipeline?: { id: number; name: string | null };
  assay?: { id: number | string; name: string; api: 'v1' | 'v2' };
}
