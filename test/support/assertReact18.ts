import { version } from 'react'
import { version as domVersion } from 'react-dom'

// Guards the client-react18 project: if the alias stopped working, these tests would silently run on React 19.
if (!version.startsWith('18.') || !domVersion.startsWith('18.')) {
  throw new Error(`client-react18 runs on react ${version} / react-dom ${domVersion}, expected 18.x`)
}
