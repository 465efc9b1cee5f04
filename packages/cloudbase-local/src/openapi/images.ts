/**
 * The open APIs whose success is a picture rather than JSON (mini-program codes). WeChat draws a
 * real code; the local cloud answers a 64×64 checkerboard PNG, so a function can store or send the
 * bytes as it would the real ones.
 */
export const IMAGE_APIS: ReadonlySet<string> = new Set(['wxacode.get', 'wxacode.getUnlimited', 'wxacode.createQRCode']);

export const PLACEHOLDER_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAIAAAAlC+aJAAAAZUlEQVR42u3XoREAIAwEwZSU/quihFTwKgaGRUew6uarwzvh3XZfAAAAAAArwCsfTfcAAAAAADuAEgMAAADYA0oMAAAAYA8oMQAAAIA9oMQAAAAA9oASAwAAANgDSgwAAADwDWAAXRoBlknSXE4AAAAASUVORK5CYII=',
  'base64',
);
