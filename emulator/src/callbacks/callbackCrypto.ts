import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

/**
 * DingTalk's callback encryption (the "加解密方案"): AES-256-CBC with the key Base64-decoded from the 43-character
 * EncodingAESKey, the IV its first 16 bytes, PKCS#7 padding to 32-byte blocks (not AES's 16), and a plaintext of
 * 16 random bytes + the message length (4 bytes, big-endian) + the message + `$key` (the AppKey of an internal app).
 */
export interface CallbackCipher {
  encrypt(message: string): string
  /** The message and the `$key` it was sealed with; throws a `TypeError` for anything that is not such a cipher text. */
  decrypt(encrypt: string): { message: string; key: string }
}

const BLOCK = 32

export function createCallbackCipher(aesKey: string, key: string): CallbackCipher {
  const secret = Buffer.from(`${aesKey}=`, 'base64')
  if (aesKey.length !== 43 || secret.length !== 32)
    throw new TypeError('aesKey must be a 43-character EncodingAESKey (32 bytes once Base64-decoded)')
  const iv = secret.subarray(0, 16)
  return {
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
      return {
        message: plain.subarray(20, 20 + length).toString('utf8'),
        key: plain.subarray(20 + length).toString('utf8'),
      }
    },
  }
}

/** The callback signature: hex sha1 of token, timestamp, nonce and encrypt, sorted and concatenated. */
export function callbackSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex')
}
