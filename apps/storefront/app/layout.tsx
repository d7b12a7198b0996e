import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import { categories, currentCart } from '../lib/catalog';
import { storefrontConfig } from '../lib/config';
import { accessToken } from '../lib/session';
import './globals.css';
import styles from './layout.module.css';

export async function generateMetadata(): Promise<Metadata> {
  return {
    metadataBase: new URL(storefrontConfig().siteUrl),
    title: { default: 'Commerce Shop', template: '%s · Commerce Shop' },
    description: 'The demo shop of the commerce platform.',
  };
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const [tree, cart, token] = await Promise.all([
    categories().catch(() => []),
    currentCart(),
    accessToken(),
  ]);
  const count = cart?.totalQuantity ?? 0;
  return (
    <html lang="en">
      <body>
        <a className={styles.skip} href="#main">
          Skip to content
        </a>
        <header className={styles.header}>
          <div className={styles.bar}>
            <Link className={styles.logo} href="/">
              Commerce Shop
            </Link>
            <form className={styles.search} role="search" action="/search">
              <label className="visually-hidden" htmlFor="site-search">
                Search products
              </label>
              <input id="site-search" name="q" type="search" placeholder="Search products" />
              <button className="button" type="submit">
                Search
              </button>
            </form>
            <nav className={styles.links} aria-label="Your shop">
              <Link href={token ? '/account' : '/account/login'}>
                {token ? 'Account' : 'Sign in'}
              </Link>
              <Link href="/cart" data-testid="cart-link">
                Cart <span aria-label={`${count} items`}>({count})</span>
              </Link>
            </nav>
          </div>
          {tree.length > 0 && (
            <nav className={styles.nav} aria-label="Categories">
              {tree.map((category) => (
                <Link key={category.id} href={`/category/${category.slug}`}>
                  {category.name}
                </Link>
              ))}
            </nav>
          )}
        </header>
        <main id="main" className={styles.main}>
          {children}
        </main>
        <footer className={styles.footer}>
          Demo shop · payments run in the sandbox (use card tok_visa).
        </footer>
      </body>
    </html>
  );
}
