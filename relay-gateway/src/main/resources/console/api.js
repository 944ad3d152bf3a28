// The management API as the console calls it: the admin key from sessionStorage in the Authorization header of
// every request (never in a URL), ARM paths with an api-version, ARM-shaped errors turned into ApiError.

export const SCOPE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/relaysim';
export const RELAY = `${SCOPE}/providers/Microsoft.Relay/namespaces`;
export const NETWORK = `${SCOPE}/providers/Microsoft.Network`;
const API_VERSION = '2021-11-01';
const KEY_ITEM = 'relaysim.adminKey';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const adminKey = {
  get: () => sessionStorage.getItem(KEY_ITEM),
  set: (key) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

let onUnauthorized = () => {};

/** Called when the API answers 401: the key is wrong or gone. */
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

function url(path, query = {}) {
  const target = new URL(path, window.location.origin);
  if (path.startsWith('/subscriptions/')) {
    target.searchParams.set('api-version', API_VERSION);
  }
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') {
      target.searchParams.set(name, value);
    }
  }
  return target;
}

/** Sends a request with the admin key; returns the response after checking its status. */
export async function send(method, path, {
  body, query, key = adminKey.get(), signal, accept, lastEventId,
} = {}) {
  const headers = { Authorization: `Bearer ${key ?? ''}` };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (accept) {
    headers.Accept = accept;
  }
  if (lastEventId) {
    headers['Last-Event-ID'] = lastEventId;
  }
  const response = await fetch(url(path, query), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
    signal,
  });
  if (!response.ok) {
    let code = `Http${response.status}`;
    let message = `${method} ${path}: ${response.status} ${response.statusText}`;
    try {
      const error = (await response.json()).error;
      if (error) {
        code = error.code ?? code;
        message = error.message ?? message;
      }
    } catch {
      // Not an ARM error body: keep the status line.
    }
    if (response.status === 401) {
      onUnauthorized();
    }
    throw new ApiError(response.status, code, message);
  }
  return response;
}

/** A JSON request; null for 204. */
export async function json(method, path, options = {}) {
  const response = await send(method, path, options);
  return response.status === 204 ? null : response.json();
}

export const get = (path, options) => json('GET', path, options);
export const put = (path, body) => json('PUT', path, { body });
export const post = (path, body) => json('POST', path, { body });
export const del = (path) => json('DELETE', path);

/** The value array of an ARM list. */
export async function list(path) {
  return (await get(path)).value ?? [];
}

export const namespaces = () => list(RELAY);
