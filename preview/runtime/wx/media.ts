/** `wx.chooseMedia`: the chrome's file chooser; each file kept under a temporary path. */
import { asyncApi, WxError } from './api';
import type { WxArea } from './context';

export const media: WxArea = ({ chrome, files }) => ({
  chooseMedia: asyncApi('chooseMedia', async (o) => {
    const chosen = await chrome.dialogs.chooseFiles(
      o.mediaType?.includes('video') ? 'image/*,video/*' : 'image/*',
      (o.count ?? 9) > 1,
    );
    if (!chosen.length) throw new WxError('chooseMedia:fail cancel');
    return {
      type: 'image',
      tempFiles: chosen.map((file) => ({
        tempFilePath: files.add(file, file.name),
        size: file.size,
        fileType: file.type.startsWith('video') ? 'video' : 'image',
        duration: 0,
        height: 0,
        width: 0,
        thumbTempFilePath: '',
      })),
    } as never;
  }),
});
