import { randomBytes } from 'node:crypto'
import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const SECRET_FILE = 'session-secret'

/** The session secret: `SESSION_SECRET`, else the one in the data folder, else a new one written there. */
export async function loadSessionSecret(
  dataDir: string,
  given: string | undefined,
): Promise<{ secret: string; created: boolean }> {
  if (given) return { secret: given, created: false }
  const file = join(dataDir, SECRET_FILE)
  try {
    const stored = (await readFile(file, 'utf8')).trim()
    if (stored) return { secret: stored, created: false }
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error
  }
  const secret = randomBytes(32).toString('base64url')
  await writeFile(file, `${secret}\n`, { mode: 0o600 })
  await chmod(file, 0o600)
  return { secret, created: true }
}
