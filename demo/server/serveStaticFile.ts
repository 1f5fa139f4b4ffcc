import { readFile } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, resolve, sep } from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
}

/**
 * Answers `pathname` with the file of the built page under `pageDir`; resolves `false` (nothing written) when there
 * is no such file or the path leads out of the folder.
 */
export async function serveStaticFile(
  res: ServerResponse,
  pageDir: string,
  pathname: string,
): Promise<boolean> {
  const file = resolve(pageDir, `.${decodeURIComponent(pathname)}`)
  if (!file.startsWith(pageDir + sep)) return false
  let body: Buffer
  try {
    body = await readFile(file)
  } catch {
    return false
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': body.byteLength,
    'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  })
  res.end(body)
  return true
}
