/**
 * The emulator's directory: registered applications, users and managed identities, with the
 * argument checks of the `register…` calls and Entra's rules for tenants and redirect URIs.
 *
 * @module
 */
import { randomUUID, X509Certificate } from "node:crypto";
import { EmulatorError } from "./emulator_error.js";

/** A federated identity credential: tokens from `issuer` about `subject` stand for the app. */
export interface FederatedCredential {
  /** The `iss` of accepted assertions. */
  issuer: string;
  /** The `sub` of accepted assertions. */
  subject: string;
  /** The PEM certificate or public key that signs them. */
  publicKey: string;
  /** Accepted `aud` values (default `api://AzureADTokenExchange`). */
  audiences?: string[];
}

/** What {@link EntraEmulator.registerApplication} accepts; every field is optional. */
export interface ApplicationOptions {
  /** The tenant (default: the emulator's `tenantId`). */
  tenantId?: string;
  /** The application (client) id, a GUID (default: a new one). */
  clientId?: string;
  /** A client secret the app may authenticate with. */
  clientSecret?: string;
  /** PEM certificates whose keys may sign client assertions. */
  certificates?: string[];
  /** Federated identity credentials (workload identity, Azure Pipelines, …). */
  federatedCredentials?: FederatedCredential[];
  /** A public client (desktop or CLI app): user flows need no client authentication. */
  publicClient?: boolean;
  /** Registered redirect URIs; `http://localhost…` ones match any port (Entra's loopback rule). */
  redirectUris?: string[];
  /** Tenants besides `tenantId` where the app may get tokens. */
  tenants?: string[];
  /** App roles granted to the app: the `roles` claim of its app-only tokens. */
  roles?: string[];
  /** Lifetime of issued access tokens, in seconds (default 3599). */
  expiresIn?: number | string;
  /** `refresh_in` of token replies, in seconds (none by default). */
  refreshIn?: number;
}

/** A registered application as the emulator keeps it. */
export interface Application extends ApplicationOptions {
  tenantId: string;
  clientId: string;
  /** The object id of the app's service principal: `oid` of its app-only tokens. */
  objectId: string;
}

/** What {@link EntraEmulator.registerUser} accepts. */
export interface UserOptions {
  /** The sign-in name, e.g. `ada@contoso.example`. */
  username: string;
  /** The password of the ROPC grant (none: the user cannot sign in with a password). */
  password?: string;
  /** The object id (default: a new GUID). */
  objectId?: string;
  /** The home tenant (default: the emulator's `tenantId`). */
  tenantId?: string;
  /** An AADSTS code Entra answers the password grant with instead of a token: 50076 (MFA), 50079, 50158. */
  requires?: 50076 | 50079 | 50158;
}

/** A user as the emulator keeps it. */
export interface User {
  username: string;
  password?: string;
  objectId?: string;
  tenantId?: string;
  requires?: 50076 | 50079 | 50158;
}

/** What {@link EntraEmulator.registerManagedIdentity} accepts. */
export interface ManagedIdentityOptions {
  /** The client id (default: a new GUID). */
  clientId?: string;
  /** The object (principal) id (default: a new GUID). */
  objectId?: string;
  /** The ARM resource id (default: one made from the client id). */
  resourceId?: string;
  /** Whether this is the system-assigned identity (the first identity registered is, by default). */
  systemAssigned?: boolean;
}

/** A managed identity as the emulator keeps it. */
export interface ManagedIdentity {
  tenantId: string;
  clientId: string;
  objectId: string;
  resourceId: string;
  systemAssigned: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$/;

function argument(message: string): EmulatorError {
  return new EmulatorError("ERR_EMULATOR_ARGUMENT", message);
}

function optionalString(value: unknown, name: string, pattern?: RegExp, shape?: string): void {
  if (value === undefined) return;
  if (typeof value !== "string" || value === "")
    throw argument(`"${name}" must be a non-empty string.`);
  if (pattern && !pattern.test(value)) throw argument(`"${name}" must be ${shape}.`);
}

function stringList(value: unknown, name: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item === ""))
    throw argument(`"${name}" must be an array of non-empty strings.`);
}

/** Checks a tenant id: a GUID or a domain name. */
export function checkTenantId(value: unknown, name = "tenantId"): void {
  optionalString(value, name, TENANT_NAME, "a GUID or a domain name");
  if (typeof value === "string" && ["common", "organizations", "consumers"].includes(value))
    throw argument(`"${name}" must name one tenant, not "${value}".`);
}

/**
 * Validates {@link ApplicationOptions} and fills in the ids.
 *
 * @throws EmulatorError `ERR_EMULATOR_ARGUMENT` naming the bad field.
 */
export function newApplication(options: unknown, defaultTenant: string): Application {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw argument("registerApplication expects an options object.");
  const o = options as ApplicationOptions;
  checkTenantId(o.tenantId);
  optionalString(o.clientId, "clientId", GUID, "a GUID");
  optionalString(o.clientSecret, "clientSecret");
  stringList(o.certificates, "certificates");
  for (const pem of o.certificates ?? []) {
    try {
      new X509Certificate(pem);
    } catch (cause) {
      throw new EmulatorError(
        "ERR_EMULATOR_ARGUMENT",
        `"certificates" must hold PEM certificates.`,
        {
          cause,
        },
      );
    }
  }
  if (o.federatedCredentials !== undefined) {
    if (!Array.isArray(o.federatedCredentials))
      throw argument(`"federatedCredentials" must be an array.`);
    for (const [i, f] of o.federatedCredentials.entries()) {
      if (typeof f !== "object" || f === null)
        throw argument(`"federatedCredentials[${i}]" must be an object.`);
      optionalString(f.issuer ?? "", `federatedCredentials[${i}].issuer`);
      optionalString(f.subject ?? "", `federatedCredentials[${i}].subject`);
      optionalString(f.publicKey ?? "", `federatedCredentials[${i}].publicKey`);
      stringList(f.audiences, `federatedCredentials[${i}].audiences`);
    }
  }
  stringList(o.redirectUris, "redirectUris");
  for (const uri of o.redirectUris ?? [])
    if (!URL.canParse(uri)) throw argument(`"redirectUris" holds "${uri}", which is not a URL.`);
  stringList(o.tenants, "tenants");
  stringList(o.roles, "roles");
  if (o.publicClient !== undefined && typeof o.publicClient !== "boolean")
    throw argument(`"publicClient" must be a boolean.`);
  if (o.refreshIn !== undefined && !(Number.isInteger(o.refreshIn) && o.refreshIn > 0))
    throw argument(`"refreshIn" must be a positive integer (seconds).`);
  return {
    ...o,
    tenantId: o.tenantId ?? defaultTenant,
    clientId: o.clientId ?? randomUUID(),
    objectId: randomUUID(),
  };
}

/**
 * Validates {@link UserOptions} and fills in the ids.
 *
 * @throws EmulatorError `ERR_EMULATOR_ARGUMENT` naming the bad field.
 */
export function newUser(
  options: unknown,
  defaultTenant: string,
): Required<Pick<User, "username" | "objectId" | "tenantId">> & User {
  if (typeof options !== "object" || options === null)
    throw argument("registerUser expects an options object with a username.");
  const o = options as UserOptions;
  if (typeof o.username !== "string" || !/^[^\s@]+@[^\s@]+$/.test(o.username))
    throw argument(`"username" must be a sign-in name such as "ada@contoso.example".`);
  optionalString(o.password, "password");
  optionalString(o.objectId, "objectId", GUID, "a GUID");
  checkTenantId(o.tenantId);
  if (o.requires !== undefined && ![50076, 50079, 50158].includes(o.requires))
    throw argument(`"requires" must be 50076, 50079 or 50158.`);
  return { ...o, objectId: o.objectId ?? randomUUID(), tenantId: o.tenantId ?? defaultTenant };
}

/**
 * Validates {@link ManagedIdentityOptions} and fills in the ids.
 *
 * @throws EmulatorError `ERR_EMULATOR_ARGUMENT` naming the bad field.
 */
export function newManagedIdentity(
  options: unknown,
  tenantId: string,
  first: boolean,
): ManagedIdentity {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null)
    throw argument("registerManagedIdentity expects an options object.");
  const o = options as ManagedIdentityOptions;
  optionalString(o.clientId, "clientId", GUID, "a GUID");
  optionalString(o.objectId, "objectId", GUID, "a GUID");
  optionalString(o.resourceId, "resourceId", /^\/subscriptions\//i, "an ARM id (/subscriptions/…)");
  if (o.systemAssigned !== undefined && typeof o.systemAssigned !== "boolean")
    throw argument(`"systemAssigned" must be a boolean.`);
  const clientId = o.clientId ?? randomUUID();
  return {
    tenantId,
    clientId,
    objectId: o.objectId ?? randomUUID(),
    resourceId:
      o.resourceId ??
      `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/emulator/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${clientId}`,
    systemAssigned: o.systemAssigned ?? first,
  };
}

/** Whether an app may get tokens in a tenant; user flows also accept `common` and `organizations`. */
export function tenantAccepts(app: Application, tenantId: string, userFlow: boolean): boolean {
  return (
    tenantId === app.tenantId ||
    (app.tenants ?? []).includes(tenantId) ||
    (userFlow && (tenantId === "common" || tenantId === "organizations"))
  );
}

function isLoopback(uri: URL): boolean {
  return uri.protocol === "http:" && (uri.hostname === "localhost" || uri.hostname === "127.0.0.1");
}

/** Entra's loopback rule: for `http://localhost` and `http://127.0.0.1` the port is ignored. */
export function redirectUriRegistered(app: Application, redirectUri: string): boolean {
  let asked: URL;
  try {
    asked = new URL(redirectUri);
  } catch {
    return false;
  }
  return (app.redirectUris ?? []).some((registered) => {
    if (registered === redirectUri) return true;
    const known = new URL(registered);
    return (
      isLoopback(asked) &&
      isLoopback(known) &&
      asked.hostname === known.hostname &&
      asked.pathname === known.pathname
    );
  });
}
