import { WECHAT_API_BASE, wechatApiUrl } from '../../server/wechat';

describe('wechatApiUrl', () => {
  it.each([
    [undefined, `${WECHAT_API_BASE}/sns/jscode2session`],
    ['https://api.weixin.qq.com', 'https://api.weixin.qq.com/sns/jscode2session'],
    ['http://127.0.0.1:9000/wxapi', 'http://127.0.0.1:9000/wxapi/sns/jscode2session'],
    ['http://127.0.0.1:9000/wxapi/', 'http://127.0.0.1:9000/wxapi/sns/jscode2session'],
  ])('keeps the path of base %s', (base, expected) => {
    expect(wechatApiUrl('sns/jscode2session', base).toString()).toBe(expected);
  });
});
