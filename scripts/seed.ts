/** `npm run seed`: the demo shop into DATABASE_URL, for a platform started elsewhere (containers). */
import { startPlatform } from './platform';
import { seedDemoShop } from './demo-shop';

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL must be set');
  // Runs migrations, seeds, and stops again; ports are ephemeral so it never clashes.
  const platform = await startPlatform({ databaseUrl, ports: 'ephemeral', background: false });
  try {
    const seeded = await seedDemoShop(platform);
    console.log(seeded.length ? `seeded: ${seeded.join(', ')}` : 'already seeded');
  } finally {
    await platform.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
