/** Light or dark, as the browser is, and app.json's `@name` colours resolved against theme.json for it. */
import type { ThemeJson } from '../types';

export type Theme = 'light' | 'dark';

export class AppTheme {
  constructor(private readonly themeJson: ThemeJson) {}

  current(): Theme {
    return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  /** `@name` values from app.json resolved against theme.json for the current theme. */
  resolve(value: string | undefined, fallback: string): string {
    if (!value) return fallback;
    if (!value.startsWith('@')) return value;
    return this.themeJson?.[this.current()]?.[value.slice(1)] ?? fallback;
  }
}
