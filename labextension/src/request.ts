import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** The server extension's namespace (routes under the Jupyter base URL). */
export const NAMESPACE = 'wallaroo-widgets';

/** An HTTP error from the server extension, with its status and message. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

/**
 * Call the server extension. ServerConnection adds Jupyter's token and XSRF header; no Wallaroo credential is
 * ever sent or received by the browser.
 */
export async function requestAPI<T>(
  endPoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, NAMESPACE, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new RequestError(0, `cannot reach the Jupyter server: ${error}`);
  }
  const text = await response.text();
  let data: any = null;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const message =
      response.status === 404 && data === null
        ? 'the wallaroo_widgets server extension is not enabled (jupyter server extension list)'
        : (data && data.message) || `HTTP ${response.status}`;
    throw new RequestError(response.status, message);
  }
  return data as T;
}
