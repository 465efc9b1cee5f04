/**
 * The file chooser, as WeChat's own picker would open (chooseAvatar, `wx.chooseMedia`); tests answer
 * it with setInputFiles. A cancelled chooser never settles, as the browser reports no change.
 */
export function chooseFiles(accept: string, multiple: boolean): Promise<File[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.multiple = multiple;
    input.style.display = 'none';
    input.addEventListener('change', () => {
      const files = [...(input.files ?? [])];
      input.remove();
      resolve(files);
    });
    document.body.appendChild(input);
    input.click();
  });
}
