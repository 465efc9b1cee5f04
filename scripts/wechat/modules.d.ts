/** WeChat's own WXML compiler (wcc), as the miniprogram-compiler package wraps it. */
declare module 'miniprogram-compiler' {
  interface CompilerOptions {
    /** stdout limit for the compiler process; its default (1 MB) is below a full app with Vant. */
    maxBuffer?: number;
    wxmlList?: string[];
    wxsList?: string[];
  }
  /** Compiles every .wxml and .wxs under rootPath; throws with wcc's message (file:line:col) on error. */
  export function wxmlToJs(rootPath: string, options?: CompilerOptions): string;
}

/** miniprogram-ci's own QR renderer (decodes the preview image, draws it in the terminal). */
declare module 'miniprogram-ci/dist/ci/utils/terminalQrcode' {
  export function generateTerminalQrcode(imageBase64: string): Promise<string>;
}
