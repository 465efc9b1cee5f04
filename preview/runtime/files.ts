/**
 * Files the app refers to by path, and the URL the browser loads for each: temporary files (a picked
 * avatar, chosen media) under WeChat's temporary paths, cloud fileIDs as the local cloud serves them,
 * and the package's own files as the preview server serves them.
 */
export class AppFiles {
  private readonly files = new Map<string, { url: string; blob: Blob }>();
  private count = 0;

  /** Keeps `blob` and returns its path. WeChat DevTools' look like http://tmp/<name>.<ext>; apps read the extension. */
  add(blob: Blob, name: string): string {
    const ext = /\.([\w]+)$/.exec(name)?.[1] ?? 'bin';
    const path = `http://tmp/${Date.now().toString(36)}${(++this.count).toString(36)}.${ext}`;
    this.files.set(path, { url: URL.createObjectURL(blob), blob });
    return path;
  }

  /**
   * A URL the browser can load for a mini-program `src`: a cloud fileID, a temporary path, a URL, or a
   * path in the package, absolute or relative to the component `from` (its path, e.g. `pages/me/index`).
   */
  url(src: string, from: string | undefined): string {
    if (src.startsWith('cloud://')) return cloudFileUrl(src);
    if (src.startsWith('http://tmp/')) return this.get(src)?.url ?? src;
    if (/^(https?:|data:|blob:)/.test(src)) return src;
    if (src.startsWith('/')) return `/__preview/mp${src}`;
    const base = from ? from.split('/').slice(0, -1).join('/') : '';
    return `/__preview/mp/${base ? `${base}/` : ''}${src}`;
  }

  /** The kept file at `path`, with an object URL the browser can load. */
  get(path: string): { url: string; blob: Blob } | undefined {
    return this.files.get(path);
  }
}

/** Where the local cloud serves a stored file (what `getTempFileURL` answers, what `<image>` loads). */
export const cloudFileUrl = (fileID: string): string => `/_/api/files?fileID=${encodeURIComponent(fileID)}`;
