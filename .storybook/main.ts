import type { StorybookConfig } from '@storybook/react-vite'

const config: StorybookConfig = {
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs', '@storybook/addon-vitest'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // The library build settings in vite.config.ts (lib mode, .d.ts bundling) do not apply to Storybook.
  async viteFinal(viteConfig) {
    viteConfig.plugins = (viteConfig.plugins ?? []).filter(
      (plugin) =>
        !(plugin && typeof plugin === 'object' && 'name' in plugin && /dts/i.test(String(plugin.name))),
    )
    if (viteConfig.build) delete viteConfig.build.lib
    return viteConfig
  },
}

export default config
