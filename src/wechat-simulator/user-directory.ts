// The simulated people behind the codes (wechat-api.md §3.3, §8.1, §8.4, §14 items 5, 19, 22): per-user
// flags (risk-blocked, snapshot-mode) and the public profile `sns/userinfo` reveals. One name is one
// person: the same name gets one unionid across the apps of one Open Platform (§7).
import { createHash } from 'node:crypto';

export interface UserFlags {
  /** §3.3: jscode2session answers 40226 `code blocked`. */
  readonly blocked?: boolean;
  /** §8.1: the official-account OAuth exchange answers `is_snapshotuser: 1` with a virtual openid, no unionid. */
  readonly snapshot?: boolean;
}

export interface UserProfile {
  /** Raw UTF-8 on the wire (§1.4); may hold emoji or control characters. */
  readonly nickname: string;
  /** `https://thirdwx.qlogo.cn/mmopen/vi_32/…/132`, or '' for no avatar (§8.4). */
  readonly headimgurl: string;
}

export interface UserDirectory {
  setFlags(user: string, flags: UserFlags): void;
  isBlocked(user: string): boolean;
  isSnapshot(user: string): boolean;
  setProfile(user: string, profile: Partial<UserProfile>): void;
  profileOf(user: string): UserProfile;
}

/** What a snapshot-mode virtual account shows (§8.1, §10: the demoted "微信用户" profile). */
export const VIRTUAL_PROFILE: UserProfile = {
  nickname: '微信用户',
  headimgurl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132',
};

/** A stable avatar URL per user, in the observed shape (§8.4: size suffix `/132`). */
function avatarOf(user: string): string {
  const path = createHash('sha256').update(`avatar:${user}`).digest('base64url').replaceAll(/[-_]/g, 'x');
  return `https://thirdwx.qlogo.cn/mmopen/vi_32/${path}/132`;
}

/** §14 item 22: nicknames carry emoji by default, so every client meets raw UTF-8 beyond the BMP. */
function defaultProfile(user: string): UserProfile {
  return { nickname: `${user} 🐼`, headimgurl: avatarOf(user) };
}

export function createUserDirectory(): UserDirectory {
  const blocked = new Set<string>();
  const snapshot = new Set<string>();
  const profiles = new Map<string, UserProfile>();
  const toggle = (set: Set<string>, user: string, on: boolean | undefined): void => {
    if (on === true) set.add(user);
    if (on === false) set.delete(user);
  };

  return {
    setFlags(user, flags) {
      toggle(blocked, user, flags.blocked);
      toggle(snapshot, user, flags.snapshot);
    },
    isBlocked: (user) => blocked.has(user),
    isSnapshot: (user) => snapshot.has(user),
    setProfile(user, profile) {
      profiles.set(user, { ...(profiles.get(user) ?? defaultProfile(user)), ...profile });
    },
    profileOf: (user) => profiles.get(user) ?? defaultProfile(user),
  };
}
