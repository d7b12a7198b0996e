import { requireService } from '../../platform/authorization';
import { withUserErrors } from '../../platform/errors';
import { isUuid, parseId } from '../../platform/ids';
import { type PageArgs, parsePageArgs } from '../../platform/pagination';
import {
  canReadCustomer,
  canReadStaff,
  requireCustomer,
  requireAppsManager,
  requireCustomerReader,
  requireIdentityManager,
  requirePrincipal,
  requireStaffSelf,
} from './access';
import { clientIpOf } from './client-ip';
import type { Resolvers } from './generated/resolvers-types';
import {
  mapConnection,
  orNull,
  toAddress,
  toApp,
  toAuditEntry,
  toAuthPayload,
  toCustomer,
  toRole,
  toSession,
  toStaff,
} from './mappers';
import type { Context } from './resolver-types';

export type { Context } from './resolver-types';
import { SUPER_ADMIN } from './domain/staff';

/** Cursors: [email] for customers and staff, [id] for the audit log. */
function page(args: PageArgs) {
  return parsePageArgs(args, 1);
}

const customerPayload = (row: Parameters<typeof toCustomer>[0]) => ({ customer: toCustomer(row) });
const staffPayload = (row: Parameters<typeof toStaff>[0]) => ({ staffUser: toStaff(row) });
const acknowledged = { ok: true };

/** Payload fields that are non-null in the schema keep a value when a userError is returned. */
const withAuthErrors = <T extends object>(body: () => Promise<T>) =>
  withUserErrors(body).then((result) => ({ mfaRequired: false, ...result }));
const withAck = <T extends object>(body: () => Promise<T>) =>
  withUserErrors(body).then((result) => ({ ok: false, ...result }));

export const identityResolvers = {
  Query: {
    async apps(_, __, ctx) {
      requireAppsManager(ctx.viewer);
      return (await ctx.services.apps.list()).map(toApp);
    },
    me(_, __, ctx) {
      if (ctx.viewer.kind !== 'customer') return null;
      return ctx.loaders.customerById.load(ctx.viewer.customerId).then(orNull(toCustomer));
    },
    staffMe(_, __, ctx) {
      if (ctx.viewer.kind !== 'staff') return null;
      return ctx.loaders.staffById.load(ctx.viewer.staffId).then(orNull(toStaff));
    },
    customer(_, args, ctx) {
      const id = parseId(args.id, 'id');
      if (!canReadCustomer(ctx.viewer, id)) requireCustomerReader(ctx.viewer);
      return ctx.loaders.customerById.load(id).then(orNull(toCustomer));
    },
    async customers(_, args, ctx) {
      requireCustomerReader(ctx.viewer);
      return mapConnection(
        await ctx.services.customers.list(page(args), args.search ?? null),
        toCustomer,
      );
    },
    async staffUsers(_, args, ctx) {
      requireIdentityManager(ctx.viewer);
      return mapConnection(await ctx.services.staff.list(page(args)), toStaff);
    },
    async roles(_, __, ctx) {
      requireIdentityManager(ctx.viewer);
      return (await ctx.services.staff.roles()).map(toRole);
    },
    permissions(_, __, ctx) {
      requireIdentityManager(ctx.viewer);
      return ctx.loaders.allPermissions.load('all');
    },
    async sessions(_, __, ctx) {
      return (await ctx.services.sessions.activeOf(requirePrincipal(ctx.viewer))).map(toSession);
    },
    async auditLog(_, args, ctx) {
      requireIdentityManager(ctx.viewer);
      return mapConnection(
        await ctx.services.audit.list(page(args), { event: args.event }),
        toAuditEntry,
      );
    },
    oidcProviders(_, __, ctx) {
      return ctx.services.oidc.providerNames();
    },
  },
  Mutation: {
    appCreate(_, args, ctx) {
      const actor = requireAppsManager(ctx.viewer);
      return withUserErrors(async () => {
        const { app, apiKey } = await ctx.services.apps.create(args.input, actor);
        return { app: toApp(app), apiKey };
      });
    },
    appKeyRotate(_, args, ctx) {
      const actor = requireAppsManager(ctx.viewer);
      return withUserErrors(async () => {
        const { app, apiKey } = await ctx.services.apps.rotateKey(parseId(args.id, 'id'), actor);
        return { app: toApp(app), apiKey };
      });
    },
    appRevoke(_, args, ctx) {
      const actor = requireAppsManager(ctx.viewer);
      return withUserErrors(async () => ({
        app: toApp(await ctx.services.apps.revoke(parseId(args.id, 'id'), actor)),
      }));
    },
    appToken(_, args, ctx) {
      return withUserErrors(() => ctx.services.apps.token(args.apiKey));
    },
    appAccessToken(_, args, ctx) {
      requireService(ctx.viewer);
      const id = parseId(args.appId, 'appId');
      return withUserErrors(() => ctx.services.apps.tokenFor(id));
    },
    register(_, { input }, ctx) {
      // No customer in the answer, whether the address was free or taken (see README.md).
      return withUserErrors(async () => {
        await ctx.services.customers.register(input, clientIpOf(ctx));
        return { customer: null };
      });
    },
    verifyEmail(_, args, ctx) {
      return withUserErrors(async () =>
        customerPayload(await ctx.services.customers.verifyEmail(args.token, clientIpOf(ctx))),
      );
    },
    resendVerificationEmail(_, args, ctx) {
      return withAck(async () => {
        await ctx.services.customers.resendVerification(args.email);
        return acknowledged;
      });
    },
    // Root mutation fields run one after another, and nothing here is cached per request:
    // each alias of `login` in one request is one attempt, counted in the database.
    login(_, args, ctx) {
      return withAuthErrors(async () => {
        const result = await ctx.services.auth.customerLogin({ ...args, ip: clientIpOf(ctx) });
        const { account, ...payload } = toAuthPayload(result, toCustomer);
        return { ...payload, customer: account };
      });
    },
    staffLogin(_, args, ctx) {
      return withAuthErrors(async () => {
        await ctx.services.ready.catch(() => {});
        const result = await ctx.services.auth.staffLogin({ ...args, ip: clientIpOf(ctx) });
        const { account, ...payload } = toAuthPayload(result, toStaff);
        return { ...payload, staffUser: account };
      });
    },
    refresh(_, args, ctx) {
      return withUserErrors(async () => {
        const pair = await ctx.services.auth.refresh(args.refreshToken, clientIpOf(ctx));
        return {
          accessToken: pair.accessToken,
          refreshToken: pair.refreshToken,
          expiresIn: pair.expiresIn,
          tokenType: 'Bearer',
        };
      });
    },
    logout(_, args, ctx) {
      return withAck(async () => {
        await ctx.services.auth.logout(args.refreshToken, clientIpOf(ctx));
        return acknowledged;
      });
    },
    revokeSession(_, args, ctx) {
      const principal = requirePrincipal(ctx.viewer);
      const id = parseId(args.id, 'id');
      return withAck(async () => {
        await ctx.services.auth.revokeSession(principal, id, clientIpOf(ctx));
        return acknowledged;
      });
    },
    customerUpdate(_, { input }, ctx) {
      const customerId = requireCustomer(ctx.viewer);
      return withUserErrors(async () =>
        customerPayload(await ctx.services.customers.update(customerId, input)),
      );
    },
    addressCreate(_, { input }, ctx) {
      const customerId = requireCustomer(ctx.viewer);
      return withUserErrors(async () => {
        const address = await ctx.services.addresses.create(customerId, input);
        return { address: toAddress(address), customer: await ownCustomer(ctx, customerId) };
      });
    },
    addressUpdate(_, args, ctx) {
      const customerId = requireCustomer(ctx.viewer);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => {
        const address = await ctx.services.addresses.update(customerId, id, args.input);
        return { address: toAddress(address), customer: await ownCustomer(ctx, customerId) };
      });
    },
    addressDelete(_, args, ctx) {
      const customerId = requireCustomer(ctx.viewer);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => {
        await ctx.services.addresses.delete(customerId, id);
        return { deletedId: id, customer: await ownCustomer(ctx, customerId) };
      });
    },
    passwordResetRequest(_, args, ctx) {
      return withAck(async () => {
        await ctx.services.customers.requestPasswordReset(args.email, clientIpOf(ctx));
        return acknowledged;
      });
    },
    passwordReset(_, args, ctx) {
      return withAck(async () => {
        await ctx.services.customers.resetPassword(args.token, args.newPassword, clientIpOf(ctx));
        return acknowledged;
      });
    },
    customerSetSegments(_, args, ctx) {
      const actor = requireIdentityManager(ctx.viewer);
      const customerId = parseId(args.customerId, 'customerId');
      return withUserErrors(async () =>
        customerPayload(
          await ctx.services.customers.setSegments(
            customerId,
            args.segments,
            actor.party,
            clientIpOf(ctx),
          ),
        ),
      );
    },
    mfaEnrollStart(_, __, ctx) {
      const principal = requirePrincipal(ctx.viewer);
      return withUserErrors(async () => {
        const account =
          principal.kind === 'customer'
            ? await ctx.loaders.customerById.load(principal.id)
            : await ctx.loaders.staffById.load(principal.id);
        return ctx.services.mfa.enrollStart(principal, account?.email ?? principal.id);
      });
    },
    mfaEnrollConfirm(_, args, ctx) {
      const principal = requirePrincipal(ctx.viewer);
      return withUserErrors(async () => ({
        recoveryCodes: await ctx.services.mfa.enrollConfirm(principal, args.code, clientIpOf(ctx)),
      }));
    },
    mfaDisable(_, args, ctx) {
      const principal = requirePrincipal(ctx.viewer);
      return withAck(async () => {
        await ctx.services.mfa.disableWithCode(principal, args.code, clientIpOf(ctx));
        return acknowledged;
      });
    },
    staffCreate(_, { input }, ctx) {
      const actor = requireIdentityManager(ctx.viewer);
      // `roles` defaults to [] in the SDL, so GraphQL always passes it; the type keeps it optional.
      const staff = { ...input, roles: input.roles ?? [] };
      return withUserErrors(async () =>
        staffPayload(await ctx.services.staff.create(staff, actor, clientIpOf(ctx))),
      );
    },
    staffAssignRoles(_, args, ctx) {
      const actor = requireIdentityManager(ctx.viewer);
      const staffId = parseId(args.staffId, 'staffId');
      return withUserErrors(async () =>
        staffPayload(
          await ctx.services.staff.assignRoles(staffId, args.roles, actor, clientIpOf(ctx)),
        ),
      );
    },
    staffSetActive(_, args, ctx) {
      const actor = requireIdentityManager(ctx.viewer);
      const staffId = parseId(args.staffId, 'staffId');
      return withUserErrors(async () =>
        staffPayload(
          await ctx.services.staff.setActive(staffId, args.active, actor, clientIpOf(ctx)),
        ),
      );
    },
    staffUpdatePreferences(_, { input }, ctx) {
      const staffId = requireStaffSelf(ctx.viewer);
      return withUserErrors(async () =>
        staffPayload(await ctx.services.staff.updatePreferences(staffId, input)),
      );
    },
    roleSetPermissions(_, args, ctx) {
      const actor = requireIdentityManager(ctx.viewer);
      return withUserErrors(async () => ({
        role: toRole(
          await ctx.services.staff.setRolePermissions(
            args.role,
            args.permissions,
            args.description ?? null,
            actor,
            clientIpOf(ctx),
          ),
        ),
      }));
    },
    oidcStart(_, args, ctx) {
      return withUserErrors(() => ctx.services.oidc.start(args.provider));
    },
    oidcCallback(_, args, ctx) {
      return withAuthErrors(async () => {
        const result = await ctx.services.oidc.callback(
          args.provider,
          args.code,
          args.state,
          args.mfaCode,
          clientIpOf(ctx),
        );
        const { account, ...payload } = toAuthPayload(result, toCustomer);
        return { ...payload, customer: account };
      });
    },
  },
  Customer: {
    __resolveReference(ref, ctx) {
      if (!isUuid(ref.id)) return null;
      const id = ref.id.toLowerCase();
      if (!canReadCustomer(ctx.viewer, id)) return null;
      return ctx.loaders.customerById.load(id).then(orNull(toCustomer));
    },
    async addresses(customer, _, ctx) {
      return (await ctx.loaders.addressesOfCustomer.load(customer.id)).map(toAddress);
    },
    async defaultShippingAddress(customer, _, ctx) {
      const found = (await ctx.loaders.addressesOfCustomer.load(customer.id)).find(
        (a) => a.isDefaultShipping,
      );
      return found ? toAddress(found) : null;
    },
    async defaultBillingAddress(customer, _, ctx) {
      const found = (await ctx.loaders.addressesOfCustomer.load(customer.id)).find(
        (a) => a.isDefaultBilling,
      );
      return found ? toAddress(found) : null;
    },
    mfaEnabled(customer, _, ctx) {
      return ctx.loaders.customerMfa.load(customer.id);
    },
  },
  StaffUser: {
    __resolveReference(ref, ctx) {
      if (!isUuid(ref.id)) return null;
      const id = ref.id.toLowerCase();
      if (!canReadStaff(ctx.viewer, id)) return null;
      return ctx.loaders.staffById.load(id).then(orNull(toStaff));
    },
    async roles(staff, _, ctx) {
      const names = (await ctx.loaders.rolesOfStaff.load(staff.id)).map((r) => r.role);
      const roles = await Promise.all(names.map((name) => ctx.loaders.roleByName.load(name)));
      return roles.filter((r) => r !== null).map(toRole);
    },
    permissions(staff, _, ctx) {
      return ctx.loaders.permissionsOfStaff.load(staff.id);
    },
    mfaEnabled(staff, _, ctx) {
      return ctx.loaders.staffMfa.load(staff.id);
    },
  },
  Role: {
    async permissions(role, _, ctx) {
      if (role.name === SUPER_ADMIN) return ctx.loaders.allPermissions.load('all');
      return (await ctx.loaders.permissionsOfRole.load(role.name)).map((p) => p.permission);
    },
  },
} satisfies Resolvers;

async function ownCustomer(ctx: Context, customerId: string) {
  ctx.loaders.customerById.clear(customerId);
  ctx.loaders.addressesOfCustomer.clear(customerId);
  return ctx.loaders.customerById.load(customerId).then(orNull(toCustomer));
}
