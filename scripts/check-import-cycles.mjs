// Fails when the sources import in a circle (issue 10). Every relative import counts, `import type` and
// `export … from` included: eslint-plugin-import-x's no-cycle skips type-only imports (the cycles this check was
// written for were half type-only), and madge 8 does not install beside TypeScript 6.
//
// Usage: node scripts/check-import-cycles.mjs src server-adapter/src emulator/src
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const SOURCE = /\.(ts|tsx|mts)$/
const roots = process.argv.slice(2)
if (roots.length === 0) {
  console.error('usage: node scripts/check-import-cycles.mjs <folder>…')
  process.exit(2)
}

function sourceFiles(folder) {
  const files = []
  for (const name of readdirSync(folder)) {
    const path = join(folder, name)
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path))
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) files.push(resolve(path))
  }
  return files
}

/** The file a relative specifier names: `./a` → `./a.ts`, `./a.tsx`, `./a/index.ts`, or as written. */
function resolveSpecifier(from, specifier) {
  const base = resolve(dirname(from), specifier)
  const candidates = [
    base,
    ...['.ts', '.tsx', '.mts'].map((ext) => base + ext),
    base.replace(/\.m?js$/, '.ts'),
    base.replace(/\.jsx?$/, '.tsx'),
    ...['index.ts', 'index.tsx'].map((index) => join(base, index)),
  ]
  return candidates.find((candidate) => SOURCE.test(candidate) && existsSync(candidate)) ?? null
}

const graph = new Map()
for (const root of roots) {
  for (const file of sourceFiles(root)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    const targets = new Set()
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue
      const target = resolveSpecifier(file, fileName)
      if (target) targets.add(target)
    }
    graph.set(file, targets)
  }
}

// Tarjan's strongly connected components: every component of more than one file (or a file importing itself)
// is a cycle.
let index = 0
const indexOf = new Map()
const lowOf = new Map()
const stack = []
const onStack = new Set()
const cycles = []

function connect(file) {
  indexOf.set(file, index)
  lowOf.set(file, index)
  index++
  stack.push(file)
  onStack.add(file)
  for (const target of graph.get(file) ?? []) {
    if (!graph.has(target)) continue
    if (!indexOf.has(target)) {
      connect(target)
      lowOf.set(file, Math.min(lowOf.get(file), lowOf.get(target)))
    } else if (onStack.has(target)) {
      lowOf.set(file, Math.min(lowOf.get(file), indexOf.get(target)))
    }
  }
  if (lowOf.get(file) !== indexOf.get(file)) return
  const component = []
  let member
  do {
    member = stack.pop()
    onStack.delete(member)
    component.push(member)
  } while (member !== file)
  if (component.length > 1 || graph.get(file)?.has(file)) cycles.push(component)
}

for (const file of graph.keys()) if (!indexOf.has(file)) connect(file)

if (cycles.length > 0) {
  console.error(`Import cycles (${cycles.length}): split the shared part into its own file.`)
  for (const component of cycles) {
    console.error(
      `  ${component
        .map((file) => relative(process.cwd(), file))
        .sort()
        .join(' ↔ ')}`,
    )
  }
  process.exit(1)
}
console.log(`No import cycles in ${roots.join(', ')} (${graph.size} files).`)
