/**
 * Files the app refers to by path: temporary files (a picked avatar, chosen media) under WeChat's
 * temporary paths, and cloud fileIDs as the local cloud serves them.
 */
export class TempFiles {
  private readonly files = new Map<string, { url: string; blob: Blob }>();
  private count = 0;

  /** Keeps `blob` and returns its path. WeChat DevTools' look like http://tmp/<name>.<ext>; apps read the extension. */
  add(blob: Blob, name: string): string {
    const ext = /\.([\w]+)$/.exec(name)?.[1] ?? 'bin';
    const path = `http://tmp/${Date.now().toString(36)}${(++this.count).toString(36)}.${ext}`;
    this.files.set(path, { url: URL.createObjectURL(blob), blob });
    return path;
  }

  /** The kept file at `path`, with an object URL the browser can load. */
  get(path: string): { url: string; blob: Blob } | undefined {
    return this.files.get(path);
  }
}

/** Where the local cloud serves a stored file (what `getTempFileURL` answers, what `<image>` loads). */
export const cloudFileUrl = (fileID: string): string => `/_/api/files?fileID=${encodeURIComponent(fileID)}`;
