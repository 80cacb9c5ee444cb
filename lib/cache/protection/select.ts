/**
 * Chooses where the persistent cache is kept on this machine: the first protection route of the
 * platform that works, else a plain file when `unsafeAllowUnencryptedStorage` allows it, else
 * memory only. The choice is made once per process and cache file and logged once.
 *
 * @module
 */
import { messageOf } from "../../errors.js";
import type { CredentialLogger } from "../../util/logger.js";
import { kernelKeyringRoute } from "./kernel_keyring.js";
import { macosKeychainRoute } from "./macos_keychain.js";
import { memoryRoute } from "./memory.js";
import { plainFileRoute } from "./plain_file.js";
import type { ProtectionRoute, RouteContext } from "./route.js";
import { secretServiceRoute } from "./secret_service.js";
import { windowsDpapiRoute } from "./windows_dpapi.js";

/** The protected routes tried, in order, on a platform. */
export function protectedRoutes(ctx: RouteContext): ProtectionRoute[] {
  switch (ctx.platform) {
    case "win32":
      return [windowsDpapiRoute(ctx)];
    case "darwin":
      return [macosKeychainRoute(ctx)];
    case "linux":
      return [secretServiceRoute(ctx), kernelKeyringRoute(ctx)];
    default:
      return [];
  }
}

/** What {@link selectRoute} decided. */
export interface RouteChoice {
  route: ProtectionRoute;
  /** Each route tried before it, with why it failed. */
  failures: string[];
}

const chosen = new Map<string, Promise<RouteChoice>>();

/** Forgets the choices made (tests run several environments in one process). */
export function forgetRouteChoices(): void {
  chosen.clear();
}

const HINT: Partial<Record<NodeJS.Platform, string>> = {
  linux:
    "install libsecret-tools with a running Secret Service (gnome-keyring) in a D-Bus session, or keyutils where the kernel allows keyrings",
  darwin: "make /usr/bin/security and the login Keychain usable",
  win32: "make Windows PowerShell (powershell.exe) available",
};

/**
 * The route of one cache file, chosen once per process: logged at `info` once; when no protected
 * route works, one `warning` lists each route tried, why it failed, and what would enable
 * persistence.
 */
export function selectRoute(
  ctx: RouteContext,
  allowUnencrypted: boolean,
  logger: CredentialLogger,
  candidates: ProtectionRoute[] = protectedRoutes(ctx),
): Promise<RouteChoice> {
  const memo = `${ctx.filePath}\n${allowUnencrypted}`;
  let choice = chosen.get(memo);
  if (!choice) {
    choice = choose(ctx, allowUnencrypted, logger, candidates);
    chosen.set(memo, choice);
  }
  return choice;
}

async function choose(
  ctx: RouteContext,
  allowUnencrypted: boolean,
  logger: CredentialLogger,
  candidates: ProtectionRoute[],
): Promise<RouteChoice> {
  const failures: string[] = [];
  for (const route of candidates) {
    try {
      await route.probe();
      logger.info(`token cache: ${ctx.fileName} is kept by ${route.name}.`);
      return { route, failures };
    } catch (error) {
      failures.push(`${route.name}: ${messageOf(error)}`);
    }
  }
  const tried = failures.length ? failures.join("; ") : `none exists on ${ctx.platform}`;
  if (allowUnencrypted) {
    const route = plainFileRoute(ctx);
    logger.warning(
      `token cache: no protected storage works (${tried}); ${ctx.fileName} is kept UNENCRYPTED in ${ctx.filePath} as unsafeAllowUnencryptedStorage allows.`,
    );
    logger.info(`token cache: ${ctx.fileName} is kept by ${route.name}.`);
    return { route, failures };
  }
  const hint = HINT[ctx.platform] ?? "no protected storage exists on this platform";
  logger.warning(
    `token cache: tokens are kept in memory only, not persisted: no protected storage works (${tried}). To persist them, ${hint}, or set tokenCachePersistenceOptions.unsafeAllowUnencryptedStorage to accept a plain file.`,
  );
  return { route: memoryRoute(ctx), failures };
}
