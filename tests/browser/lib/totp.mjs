// RFC 6238 codes as an authenticator app makes them (SHA-1, 30 seconds, 6 digits), from
// the base-32 key the page shows for typing in by hand.
import { createHmac } from 'node:crypto'

function base32 (text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
  }
  const bytes = []
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(bytes)
}

export function totp (key, at = Date.now()) {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)))
  const mac = createHmac('sha1', base32(key)).update(counter).digest()
  const offset = mac[mac.length - 1] & 0x0f
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000
  return String(n).padStart(6, '0')
}

/**
 * A code the server has not seen yet: one of the steps it accepts (now, or one either
 * side for clock drift) that is not in `used`, which it then joins.
 */
export function freshCode (key, used) {
  const now = Math.floor(Date.now() / 30_000)
  for (const step of [now, now + 1, now - 1]) {
    if (!used.has(step)) {
      used.add(step)
      return totp(key, step * 30_000 + 1)
    }
  }
  throw new Error('every code within the drift window is used')
}
