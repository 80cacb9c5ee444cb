/**
 * The delegated flows of the fake Entra are the emulator's (`lib/testing/user_flows.ts`); this
 * module keeps the names the specs import.
 *
 * @module
 */
export {
  UserFlows as FakeUserFlows,
  isUserGrant,
  type SignedInUser as FakeUser,
} from "../../lib/testing/user_flows.js";
