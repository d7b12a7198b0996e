import { dataOf, postGraphQL } from '../../../platform/testing/graphql-client';

/**
 * A staff caller through the router: logs in as `admin` (staffLogin) and returns a
 * function that runs a mutation with that token and returns its payload, throwing on
 * user errors. For a bench's setup; its requests count against the rate limits.
 */
export async function staffCaller(
  routerUrl: string,
  admin: { email: string; password: string },
): Promise<<T = unknown>(query: string, variables: Record<string, unknown>) => Promise<T>> {
  const login = dataOf(
    await postGraphQL(
      routerUrl,
      `mutation ($e: String!, $p: String!) { staffLogin(email: $e, password: $p) { accessToken } }`,
      { e: admin.email, p: admin.password },
    ),
  ) as { staffLogin: { accessToken: string | null } };
  const token = login.staffLogin.accessToken;
  if (!token) throw new Error('staffLogin gave no token');
  return async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const data = dataOf(
      await postGraphQL(routerUrl, query, variables, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    const payload = Object.values(data)[0] as { userErrors?: unknown[] };
    if (payload.userErrors?.length)
      throw new Error(`${query}: ${JSON.stringify(payload.userErrors)}`);
    return payload as T;
  };
}

export type StaffCaller = Awaited<ReturnType<typeof staffCaller>>;

/** The bench's one warehouse (code BENCH, in Germany), created by `staff`; its id. */
export async function benchWarehouse(staff: StaffCaller): Promise<string> {
  const created = await staff<{ warehouse: { id: string } }>(
    `mutation ($input: WarehouseCreateInput!) { warehouseCreate(input: $input) { warehouse { id } userErrors { code } } }`,
    { input: { code: 'BENCH', name: 'Bench', countryCode: 'DE' } },
  );
  return created.warehouse.id;
}
