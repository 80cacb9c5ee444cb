/**
 * Linux without a desktop session (servers, containers, WSL): a random 256-bit key kept in the
 * kernel's user keyring through `keyctl` (keyutils), and the cache file encrypted with AES-256-GCM.
 * The key travels on stdin to `keyctl padd` and back from `keyctl pipe` as hex, never in argv.
 *
 * File layout: `EZK1` | 12-byte IV | 16-byte tag | ciphertext.
 *
 * @module
 */
import { TokenCacheError } from "../../errors.js";
import { readCacheFile, writeCacheFile } from "../cache_files.js";
import { runTool, toolFailed, type ProtectionRoute, type RouteContext } from "./route.js";

const MAGIC = Buffer.from("EZK1");
const crypto = () => process.getBuiltinModule("node:crypto");

/** Encrypts cache text with a 32-byte key. */
export function sealCache(key: Buffer, text: string): Buffer {
  const iv = crypto().randomBytes(12);
  const cipher = crypto().createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(MAGIC);
  const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
}

/**
 * Decrypts what {@link sealCache} wrote.
 *
 * @throws TokenCacheError `ERR_CACHE_FORMAT` for a file of another format, a wrong key or a
 *   tampered or truncated file.
 */
export function openCache(key: Buffer, data: Buffer): string {
  if (data.length < 32 || !data.subarray(0, 4).equals(MAGIC))
    throw new TokenCacheError("ERR_CACHE_FORMAT", "not an encrypted entra-zero cache file.");
  try {
    const decipher = crypto().createDecipheriv("aes-256-gcm", key, data.subarray(4, 16));
    decipher.setAAD(MAGIC);
    decipher.setAuthTag(data.subarray(16, 32));
    return Buffer.concat([decipher.update(data.subarray(32)), decipher.final()]).toString("utf8");
  } catch (error) {
    throw new TokenCacheError(
      "ERR_CACHE_FORMAT",
      "the encrypted cache file does not open with the keyring's key (another key, or a damaged file).",
      { cause: error },
    );
  }
}

/** Creates the kernel keyring route. */
export function kernelKeyringRoute(ctx: RouteContext): ProtectionRoute {
  const description = `entra-zero:${ctx.fileName}`;
  let key: Promise<Buffer> | undefined;
  const keyId = async (): Promise<string | undefined> => {
    const found = await runTool(ctx, ["keyctl", "search", "@u", "user", description]);
    if (found.exitCode === 0) return validId(found.stdout);
    if (/not available|not found/i.test(found.stderr)) return undefined;
    throw toolFailed("keyctl search", found);
  };
  const loadKey = async (): Promise<Buffer> => {
    let id = await keyId();
    if (id === undefined) {
      const fresh = crypto().randomBytes(32).toString("hex");
      const added = await runTool(ctx, ["keyctl", "padd", "user", description, "@u"], fresh);
      if (added.exitCode !== 0) throw toolFailed("keyctl padd", added);
      id = validId(added.stdout);
    }
    const piped = await runTool(ctx, ["keyctl", "pipe", id]);
    if (piped.exitCode !== 0) throw toolFailed("keyctl pipe", piped);
    const hex = piped.stdout.trim();
    if (!/^[0-9a-f]{64}$/i.test(hex))
      throw new TokenCacheError(
        "ERR_CACHE_PROTECTION",
        "keyctl pipe returned something other than the 256-bit key this package stored.",
      );
    return Buffer.from(hex, "hex");
  };
  const getKey = () => {
    key ??= loadKey();
    key.catch(() => (key = undefined));
    return key;
  };
  return {
    name: "Linux kernel keyring (keyctl) + AES-256-GCM file",
    usesFile: true,
    async probe() {
      if (ctx.platform !== "linux")
        throw new TokenCacheError("ERR_CACHE_UNAVAILABLE", "the kernel keyring is Linux only.");
      await getKey();
    },
    async load() {
      const found = await readCacheFile(ctx.filePath);
      if (!found || found.data.length === 0) return undefined;
      return openCache(await getKey(), found.data);
    },
    async save(text) {
      await writeCacheFile(ctx.filePath, sealCache(await getKey(), text));
    },
  };
}

function validId(stdout: string): string {
  const id = stdout.trim();
  if (!/^\d{1,12}$/.test(id))
    throw new TokenCacheError(
      "ERR_CACHE_PROTECTION",
      "keyctl printed something that is not a key id.",
    );
  return id;
}
