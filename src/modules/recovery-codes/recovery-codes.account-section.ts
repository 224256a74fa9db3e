// The account page's recovery codes: how many are left, a warning at 3 or fewer, and new ones
// (shown once; the old set stops working). Regenerating needs a FRESH SECOND FACTOR, not just a
// recent password (kit.recentMfa: max_age=0 and acr_values=MFA_ACR): otherwise whoever has only
// the password could mint codes that pass the second step.
import type { Response } from 'express';
import { realmOf } from '../../realms/realm-resolver.js';
import { accountOf, type AccountSection } from '../account/account-section.js';
import type { AccountDeps } from '../account/account.routes.js';
import { actorFromRequest } from '../audit/actor.js';

/** At or under this many unused codes, the page warns. */
export const LOW_RECOVERY_CODES = 3;

export function recoveryCodesSection(deps: AccountDeps): AccountSection {
  const { views, services } = deps;
  const { totp, recoveryCodes } = services.mfaMethods;
  const stateOf = async (res: Response) => {
    const { scope } = realmOf(res);
    const userId = accountOf(res).userId;
    const [remaining, hasFactor] = await Promise.all([recoveryCodes.remaining(scope, userId), totp.isEnrolled(scope, userId)]);
    return { remaining, hasFactor, low: hasFactor && remaining <= LOW_RECOVERY_CODES };
  };

  return {
    id: 'recovery-codes',
    title: 'Recovery codes',
    async render(_req, res) {
      return views.render('account/recovery-codes', { ...accountOf(res), ...(await stateOf(res)), lowAt: LOW_RECOVERY_CODES });
    },
    routes(router, kit) {
      router.get('/regenerate', kit.recentMfa, async (req, res) => {
        const state = await stateOf(res);
        if (!state.hasFactor) return kit.done(req, res, 'Set up an authenticator app first.');
        kit.page(req, res, 'account/recovery-codes-regenerate', { title: 'New recovery codes', ...state, csrfToken: accountOf(res).csrfToken });
      });
      router.post('/regenerate', kit.form, kit.csrf, kit.recentMfa, async (req, res) => {
        const { scope } = realmOf(res);
        const userId = accountOf(res).userId;
        if (!(await totp.isEnrolled(scope, userId))) return kit.done(req, res, 'Set up an authenticator app first.');
        const codes = await recoveryCodes.generate(scope, userId);
        await scope.audit.append({ ...actorFromRequest(req, `user:${userId}`), action: 'mfa.recovery_codes_regenerated', target: `user:${userId}` });
        kit.page(req, res, 'account/recovery-codes-shown', { title: 'Save your recovery codes', codes, intro: 'Your old recovery codes no longer work.' });
      });
    },
  };
}
