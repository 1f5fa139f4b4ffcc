import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto'

// DingTalk pads to 32-byte blocks (PKCS#7 with a 32-byte block), not AES's 16.
const BLOCK = 32

/** DingTalk's callback encryption (加解密方案) for one app: signatures, and AES-256-CBC sealed messages. */
export interface CallbackCrypto {
  /** Hex SHA-1 of `[token, timestamp, nonce, encrypt]` sorted and joined. */
  sign(timestamp: string, nonce: string, encrypt: string): string
  /** Whether `signature` is the signature of the other three (compared in constant time). */
  verify(signature: string, timestamp: string, nonce: string, encrypt: string): boolean
  /** Seals a message with 16 random bytes, its length and the `$key`. */
  encrypt(message: string): string
  /** Opens a sealed message; throws a `TypeError` for anything else, or when its `$key` is not this app's. */
  decrypt(encrypt: string): string
}

/** The crypto of one app: `aesKey` is the 43-character EncodingAESKey, `key` the `$key` (AppKey or corpId). */
export function createCallbackCrypto(token: string, aesKey: string, key: string): CallbackCrypto {
  const secret = Buffer.from(`${aesKey}=`, 'base64')
  if (aesKey.length !== 43 || secret.length !== 32)
    throw new TypeError('aesKey must be a 43-character EncodingAESKey (32 bytes once Base64-decoded)')
  const iv = secret.subarray(0, 16)
  const sign = (timestamp: string, nonce: string, encrypt: string) =>
    createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex')
  return {
    sign,
    verify(signature, timestamp, nonce, encrypt) {
      const expected = Buffer.from(sign(timestamp, nonce, encrypt))
      const given = Buffer.from(signature.toLowerCase())
      return given.length === expected.length && timingSafeEqual(given, expected)
    },
    encrypt(message) {
      const body = Buffer.from(message, 'utf8')
      const length = Buffer.alloc(4)
      length.writeUInt32BE(body.length)
      const plain = Buffer.concat([randomBytes(16), length, body, Buffer.from(key, 'utf8')])
      const padLength = BLOCK - (plain.length % BLOCK)
      const padded = Buffer.concat([plain, Buffer.alloc(padLength, padLength)])
      const cipher = createCipheriv('aes-256-cbc', secret, iv).setAutoPadding(false)
      return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64')
    },
    decrypt(encrypt) {
      const data = Buffer.from(encrypt, 'base64')
      if (data.length === 0 || data.length % 16 !== 0) throw new TypeError('not a callback cipher text')
      const decipher = createDecipheriv('aes-256-cbc', secret, iv).setAutoPadding(false)
      const padded = Buffer.concat([decipher.update(data), decipher.final()])
      const padLength = padded[padded.length - 1]!
      if (padLength < 1 || padLength > BLOCK || padLength > padded.length - 20)
        throw new TypeError('bad padding in the callback cipher text')
      const plain = padded.subarray(0, padded.length - padLength)
      const length = plain.readUInt32BE(16)
      if (20 + length > plain.length) throw new TypeError('bad length in the callback cipher text')
      if (plain.subarray(20 + length).toString('utf8') !== key)
        throw new TypeError('the callback was sealed for another app ($key differs)')
      return plain.subarray(20, 20 + length).toString('utf8')
    },
  }
}
