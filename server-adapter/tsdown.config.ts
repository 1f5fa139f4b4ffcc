import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'adapters/express': 'src/adapters/express.ts',
    'adapters/fastify': 'src/adapters/fastify.ts',
    'adapters/koa': 'src/adapters/koa.ts',
    'adapters/hono': 'src/adapters/hono.ts',
    'adapters/next': 'src/adapters/next.ts',
    'adapters/node': 'src/adapters/node.ts',
    cli: 'src/cli/main.ts',
  },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  dts: true,
  clean: true,
  fixedExtension: false,
})
