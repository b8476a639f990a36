/**
 * User-supplied profile (design.md §3–§4, wechat-api.md §10): since 2022-11 WeChat hands out only the
 * placeholder nickname "微信用户" and a grey avatar, so nickname and picture come from the mini-program's
 * nickname/avatar fill-in components. Rules: nickname 1–64 characters after trimming, no control or
 * bidi-override characters; picture an https URL of at most 1024 characters; WeChat's placeholders are
 * refused (§10 guidance 3: never let them overwrite a real profile).
 */
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';
import type { AccountAudit } from './account-audit.ts';
import type { AccountRecord, AccountRepository } from './account.repository.ts';

export const PLACEHOLDER_NICKNAME = '微信用户';
// The fixed grey avatar of demoted profiles (§10), at any size suffix.
const PLACEHOLDER_AVATAR = 'https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/';

// C0/C1 controls, line/paragraph separators and bidi overrides (spoofing); zero-width joiners stay (emoji).
const FORBIDDEN = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** Characters as PostgreSQL's varchar(64) counts them: code points (an emoji sequence counts per code point). */
function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

const nickname = z.string().trim()
  .refine((value) => codePoints(value) >= 1 && codePoints(value) <= 64, 'must be 1–64 characters')
  .refine((value) => !FORBIDDEN.test(value), 'must not contain control characters')
  .refine((value) => value !== PLACEHOLDER_NICKNAME, `"${PLACEHOLDER_NICKNAME}" is WeChat's anonymous placeholder, not a nickname`);

const picture = z.string().trim().max(1024, 'must be at most 1024 characters')
  .refine((value) => {
    const url = URL.parse(value);
    return url !== null && url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
  }, 'must be an https URL without credentials')
  .refine((value) => !value.startsWith(PLACEHOLDER_AVATAR), "is WeChat's grey placeholder avatar");

/**
 * The profile WeChat's sns/userinfo gave (wechat-api.md §8.4), kept only where it passes the same rules
 * as /me/profile: no placeholder nickname or grey avatar, https pictures, no control characters.
 */
export function profileFromWeChat(info: { nickname: string; pictureUrl?: string | undefined }): { nickname?: string; picture?: string } {
  const parsedNickname = nickname.safeParse(info.nickname);
  const parsedPicture = info.pictureUrl === undefined ? undefined : picture.safeParse(info.pictureUrl);
  return {
    ...(parsedNickname.success ? { nickname: parsedNickname.data } : {}),
    ...(parsedPicture?.success === true ? { picture: parsedPicture.data } : {}),
  };
}

const ProfileUpdate = z.strictObject({ nickname: nickname.optional(), picture: picture.optional() })
  .refine((update) => update.nickname !== undefined || update.picture !== undefined, 'give nickname, picture or both');

export interface ProfileEditor {
  /** Validates `input` (unknown JSON) and applies it; `request.invalid` names every problem. */
  update(input: { accountId: string; clientId: string; body: unknown }): Promise<AccountRecord>;
}

export function createProfileEditor(deps: { accounts: Pick<AccountRepository, 'updateProfile'>; audit: AccountAudit; now: () => Date }): ProfileEditor {
  return {
    async update({ accountId, clientId, body }) {
      const update = parseOrThrow(ProfileUpdate, body, 'request.invalid');
      const account = await deps.accounts.updateProfile(accountId, update, deps.now());
      if (account === null) throw new AppError('account.not_found', 'the account no longer exists');
      await deps.audit.record({
        actor: clientId, action: 'account.profile_updated', outcome: 'success', target: accountId, accountId, clientId,
        after: { fields: Object.keys(update).sort() },
      });
      return account;
    },
  };
}
