import type { Role } from '@kanary/contracts';

/**
 * The part an arm's requests play, as the console names it: served by the stable variant, served
 * by the canary, or shadow copies (served to nobody; the canary's in shadow mode, or a shadow
 * variant's).
 */
export type ArmRole = 'stable' | 'canary' | 'shadow';

export const armRole = (role: Role): ArmRole => role.toLowerCase() as ArmRole;

const ORDER: Readonly<Record<Role, number>> = { STABLE: 0, CANARY: 1, SHADOW: 2 };

/** Stable first, then the canary, then shadow copies; served before shadow copies; by variant. */
export function compareArms(
  a: { readonly role: Role; readonly served: boolean; readonly variant: string },
  b: { readonly role: Role; readonly served: boolean; readonly variant: string },
): number {
  return (
    ORDER[a.role] - ORDER[b.role] ||
    Number(b.served) - Number(a.served) ||
    a.variant.localeCompare(b.variant)
  );
}
