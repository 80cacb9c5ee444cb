/**
 * Account selection in the shared developer cache, as `azure-identity` does it (pure): accounts
 * holding a refresh token, narrowed by username, tenant, or the home account of a record.
 *
 * @module
 */
import { accountsOf, type CachedAccount, type MsalCache } from "./msal_cache_format.js";

/** What narrows the accounts. */
export interface AccountFilter {
  username?: string;
  tenantId?: string;
  homeAccountId?: string;
  /** Our client id: its own refresh tokens qualify besides family (FOCI) ones. */
  clientId: string;
}

/** The outcome of {@link selectAccount}: the account, or why none was chosen. */
export type AccountChoice =
  { account: CachedAccount } | { problem: "none" | "several" | "no-match" | "several-match" };

/**
 * The accounts with a usable refresh token (a family one, or one of `clientId`) in the given
 * environments, then narrowed; exactly one is chosen.
 */
export function selectAccount(
  cache: MsalCache,
  environments: readonly string[],
  filter: AccountFilter,
): AccountChoice {
  const holders = new Set(
    Object.values(cache.RefreshToken)
      .filter(
        (rt) =>
          typeof rt.secret === "string" &&
          rt.secret !== "" &&
          (Boolean(rt.family_id) ||
            String(rt.client_id).toLowerCase() === filter.clientId.toLowerCase()),
      )
      .map((rt) => String(rt.home_account_id).toLowerCase()),
  );
  const seen = new Set<string>();
  const all = accountsOf(cache, environments).filter((a) => {
    const id = a.homeAccountId.toLowerCase();
    if (!holders.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  if (all.length === 0) return { problem: "none" };
  const narrowed = filter.homeAccountId !== undefined || filter.username || filter.tenantId;
  const matching = all.filter((a) => {
    if (filter.homeAccountId !== undefined)
      return a.homeAccountId.toLowerCase() === filter.homeAccountId.toLowerCase();
    if (filter.username && a.username.toLowerCase() !== filter.username.toLowerCase()) return false;
    const tenant = a.homeAccountId.split(".")[1] ?? "";
    return !filter.tenantId || tenant.toLowerCase() === filter.tenantId.toLowerCase();
  });
  if (matching.length === 1) return { account: matching[0]! };
  if (!narrowed) return { problem: "several" };
  return { problem: matching.length === 0 ? "no-match" : "several-match" };
}
