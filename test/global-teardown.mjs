export default async function globalTeardown() {
  const pg = globalThis.__COMMERCE_EMBEDDED_PG__;
  if (pg) await pg.stop();
}
