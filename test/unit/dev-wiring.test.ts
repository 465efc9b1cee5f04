import * as path from 'node:path';
import { DEV_MODEL_NAME } from '../../dev/model';
import { readDeclaredEnv, readHttpRoutes } from '../../dev/project';
import { devWiring, documentedKeys, LOCAL_OFFICIAL_APPID, PREVIEW_APPID } from '../../dev/wiring';

const URL_ = 'http://127.0.0.1:9123';
const DOCUMENTED = ['WX_APPID', 'WX_APP_SECRET', 'WECHAT_API_BASE', 'MODEL_BASE_URL', 'MODEL_NAME', 'CHAT_DAILY_LIMIT'];

describe('npm start wiring of the functions', () => {
  it('reads every variable .env.example names, set or commented out', () => {
    const text = '# a comment\nWX_APPID=\n# WECHAT_API_BASE=https://api.weixin.qq.com\n#MODEL_NAME=x\nlower=1\n';
    expect(documentedKeys(text)).toEqual(['WX_APPID', 'WECHAT_API_BASE', 'MODEL_NAME']);
  });

  it('fills what is missing: the local WeChat API, the dev model, local apps the functions know', () => {
    const wiring = devWiring({ WX_APPID: '', WX_APP_SECRET: '', CHAT_DAILY_LIMIT: '50' }, {}, DOCUMENTED);
    const env = wiring.functionEnv(URL_);
    expect(wiring.devModel).toBe(true);
    expect(env).toMatchObject({
      CHAT_DAILY_LIMIT: '50',
      WECHAT_API_BASE: `${URL_}/wxapi`,
      MODEL_BASE_URL: `${URL_}/v1`,
      MODEL_NAME: DEV_MODEL_NAME,
      WX_APPID: PREVIEW_APPID,
      OA_APPID: LOCAL_OFFICIAL_APPID,
    });
    expect(wiring.wechat.miniProgram).toEqual({ appid: PREVIEW_APPID, secret: env.WX_APP_SECRET });
    expect(wiring.wechat.officialAccount).toMatchObject({
      appid: LOCAL_OFFICIAL_APPID,
      secret: env.OA_APP_SECRET,
      templates: [{ id: env.OA_REMIND_TEMPLATE_ID }],
    });
    expect(env.WX_APP_SECRET).toMatch(/^[0-9a-f]{32}$/);
  });

  it("keeps the developer's settings, and the process environment wins over the files", () => {
    const files = { WX_APPID: 'wx-mine', WX_APP_SECRET: 'from-file', MODEL_NAME: 'from-file' };
    const processEnv = {
      WX_APP_SECRET: 'from-process',
      MODEL_BASE_URL: 'https://models.example/v1',
      HOME: '/home/x',
      TENCENTCLOUD_SECRETID: 'a-real-key',
    };
    const wiring = devWiring(files, processEnv, DOCUMENTED);
    const env = wiring.functionEnv(URL_);
    expect(wiring.devModel).toBe(false);
    expect(env).toMatchObject({
      WX_APPID: 'wx-mine',
      WX_APP_SECRET: 'from-process',
      MODEL_BASE_URL: 'https://models.example/v1',
      MODEL_NAME: 'from-file',
    });
    expect(env.HOME).toBeUndefined();
    // A real Tencent Cloud key (for deploying) never reaches a local function, even if a file names it.
    expect(
      devWiring({ TENCENTCLOUD_SECRETID: '' }, processEnv, DOCUMENTED).functionEnv(URL_).TENCENTCLOUD_SECRETID,
    ).toBe('');
    expect(wiring.wechat.miniProgram).toEqual({ appid: 'wx-mine', secret: 'from-process' });
    expect(
      devWiring({ WECHAT_API_BASE: 'https://proxy.example' }, {}, DOCUMENTED).functionEnv(URL_).WECHAT_API_BASE,
    ).toBe('https://proxy.example');
  });

  it("makes up the Official Account's token and key, and points its server URL at the oa function", () => {
    const wiring = devWiring({}, {}, DOCUMENTED, { oaPath: '/oa' });
    const env = wiring.functionEnv(URL_);
    expect(env.OA_TOKEN).toMatch(/^[0-9a-f]{32}$/);
    expect(env.OA_ENCODING_AES_KEY).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(wiring.wechat.officialAccount?.server).toEqual({
      url: '/http/oa',
      token: env.OA_TOKEN,
      encodingAESKey: env.OA_ENCODING_AES_KEY,
    });
    // Set but empty chooses plaintext mode: no key is made up.
    const plain = devWiring({ OA_ENCODING_AES_KEY: '' }, {}, DOCUMENTED, { oaPath: '/oa' });
    expect(plain.wechat.officialAccount?.server).not.toHaveProperty('encodingAESKey');
  });

  it('gives each function only the variables cloudbaserc.json declares for it', () => {
    const declared = readDeclaredEnv();
    const wiring = devWiring({ CHAT_DAILY_LIMIT: '50', REMIND_TEMPLATE_ID: 't' }, {}, DOCUMENTED, { declared });
    const oa = wiring.envFor('oa', URL_);
    expect(oa).toMatchObject({
      OA_TOKEN: expect.any(String),
      WECHAT_API_BASE: `${URL_}/wxapi`,
      CHAT_DAILY_LIMIT: '50',
    });
    expect(oa).not.toHaveProperty('REMIND_TEMPLATE_ID');
    expect(wiring.envFor('remind', URL_)).toMatchObject({ REMIND_TEMPLATE_ID: 't', OA_APPID: LOCAL_OFFICIAL_APPID });
    expect(wiring.envFor('remind', URL_)).not.toHaveProperty('OA_TOKEN');
    expect(wiring.envFor('todo', URL_)).toEqual({ REMIND_TEMPLATE_ID: 't' });
    // A function cloudbaserc.json does not describe gets everything.
    expect(wiring.envFor('elsewhere', URL_)).toEqual(wiring.functionEnv(URL_));
  });

  it('serves each function at its "path" in cloudbaserc.json', () => {
    expect(readHttpRoutes(path.join(__dirname, '../fixtures/deploy'))).toEqual([{ path: '/api', function: 'api' }]);
  });
});
