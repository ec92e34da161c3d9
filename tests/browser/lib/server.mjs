// A real `boundary serve` on a fresh data folder and an ephemeral port, as a person
// would start it: its set-up link read from what it prints.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const PASSWORD = 'a long enough password'

export async function startServer (bin, extraArgs = []) {
  const data = mkdtempSync(join(tmpdir(), 'boundary-browser-'))
  const env = { ...process.env, BOUNDARY_LOG: 'warn' }
  for (const k of ['BOUNDARY_MASTER_KEY', 'BOUNDARY_DATABASE_URL', 'BOUNDARY_DATA']) delete env[k]
  const child = spawn(bin, ['--data', data, 'serve', '--listen', '127.0.0.1:0', ...extraArgs], { env })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { err += d })
  const started = Date.now()
  // The set-up link goes to stdout and the address to stderr: wait for both.
  while (!/listening on (http:\/\/[^\s]+)/.test(err) || !out.includes('/setup/')) {
    if (child.exitCode !== null || Date.now() - started > 30000) {
      throw new Error(`boundary serve did not start: ${err}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const base = err.match(/listening on (http:\/\/[^\s]+)/)[1]
  const setupLink = out.trim().split('\n').find((l) => l.includes('/setup/'))
  return {
    base,
    setupLink,
    data,
    /** Runs the `boundary` command on this server's data folder; returns its last line. */
    command (...args) {
      const o = execFileSync(bin, ['--data', data, ...args.filter((a) => typeof a === 'string')], {
        env,
        input: args.find((a) => typeof a === 'object')?.stdin ?? '',
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      return o.toString().trim().split('\n').pop()
    },
    async stop () {
      child.kill()
      await new Promise((resolve) => child.once('exit', resolve))
      rmSync(data, { recursive: true, force: true })
    },
  }
}
